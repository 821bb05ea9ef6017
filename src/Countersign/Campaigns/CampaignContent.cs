using System.Globalization;
using System.Text.Json;

namespace Countersign.Campaigns;

/// <summary>What a moderator reads and approves: everything a signer sees of a campaign.</summary>
/// <param name="Language">
/// The language the text is written in (<see cref="ContentLanguages"/>). Reviews stored before campaigns had one
/// were all of campaigns taken to be in <see cref="ContentLanguages.Default"/>, which their JSON reads back as.
/// </param>
public sealed record CampaignContent(
    string Title, string Summary, string Body, IReadOnlyList<string> Demands, IReadOnlyList<string> Targets,
    IReadOnlyList<string> Hosts, int Goal, DateOnly? Deadline, string Language = ContentLanguages.Default)
{
    /// <summary>The open letter's text (Markdown), empty for none; reviews stored before letters existed read back without one.</summary>
    public string Letter { get; init; } = "";

    /// <summary>Whom the open letter is addressed to.</summary>
    public string LetterAddressees { get; init; } = "";

    /// <summary>What the open letter calls for, one call per item.</summary>
    public IReadOnlyList<string> LetterCalls { get; init; } = [];

    public static CampaignContent Of(Campaign campaign) => new(
        campaign.Title, campaign.Summary, campaign.BodyMarkdown, campaign.Demands, campaign.Targets,
        campaign.Hosts.Where(h => !h.HasLeft).OrderBy(h => h.Position).Select(h => h.Website is null ? h.Name : $"{h.Name} | {h.Website}").ToList(),
        campaign.Goal, campaign.Deadline, campaign.Language)
    {
        Letter = campaign.LetterMarkdown,
        LetterAddressees = campaign.LetterAddressees,
        LetterCalls = campaign.LetterCalls,
    };

    /// <summary>Nothing at all: what a first submission is compared with.</summary>
    public static CampaignContent Empty { get; } = new("", "", "", [], [], [], 0, null, Language: "");

    /// <summary>Host lines as typed, "Name | https://website", each name once.</summary>
    public static IEnumerable<(string Name, string? Website)> ParseHosts(IEnumerable<string> lines) =>
        lines.Select(line => line.Split('|', 2, StringSplitOptions.TrimEntries) is [var name, var website]
            ? (name, website.Length == 0 ? null : website)
            : (line, (string?)null)).DistinctBy(h => h.Item1);

    /// <summary>The public wording: title, summary and text.</summary>
    public void ApplyWordingTo(Campaign campaign)
    {
        campaign.Title = Title;
        campaign.Summary = Summary;
        campaign.BodyMarkdown = Body;
    }

    /// <summary>What the campaign asks of whom, on whose behalf.</summary>
    /// <remarks>
    /// Hosts are matched by name, among those still in the coalition, so that signers' consents, which point at host ids,
    /// survive edits. A line taken out of the list makes its host leave (<see cref="CampaignHost.Leave"/>) rather than
    /// deleting it: deleting took its partners' access and the opt-ins it had received with it, and a line typed again
    /// came back as a new host. A host that left is never touched here, and a line naming it does not bring it back
    /// (nor make a namesake that would show its name again): a proposal written before it left must not undo its leaving.
    /// </remarks>
    public void ApplyAsksTo(Campaign campaign, DateTime now)
    {
        campaign.Demands = Demands.ToList();
        campaign.Targets = Targets.ToList();
        campaign.LetterMarkdown = Letter;
        campaign.LetterAddressees = LetterAddressees;
        campaign.LetterCalls = LetterCalls.ToList();

        var left = campaign.Hosts.Where(h => h.HasLeft).Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        var wanted = ParseHosts(Hosts).Where(w => !left.Contains(w.Name)).ToList();
        foreach (var gone in campaign.Hosts.Where(h => !h.HasLeft && wanted.All(w => w.Name != h.Name)))
        {
            gone.Leave(now);
        }

        for (var position = 0; position < wanted.Count; position++)
        {
            var (name, website) = wanted[position];
            var host = campaign.Hosts.FirstOrDefault(h => h.Name == name && !h.HasLeft);
            if (host is null)
            {
                host = new CampaignHost { Name = name };
                campaign.Hosts.Add(host);
            }

            host.Website = website;
            host.Position = position;
        }
    }

    /// <summary>
    /// The goal, the deadline and the language the text is written in: none changes what a signer signs, so they
    /// apply at once, on a published campaign too (a language set wrongly is a label to mend, not a new text).
    /// </summary>
    public void ApplySettingsTo(Campaign campaign)
    {
        campaign.Goal = Goal;
        campaign.Deadline = Deadline;
        campaign.Language = Language;
    }

    public void ApplyTo(Campaign campaign, DateTime now)
    {
        ApplyWordingTo(campaign);
        ApplyAsksTo(campaign, now);
        ApplySettingsTo(campaign);
    }

    public string ToJson() => JsonSerializer.Serialize(this);

    public static CampaignContent FromJson(string json) => JsonSerializer.Deserialize<CampaignContent>(json)!;

    /// <summary>What an open campaign may not change without review: what it asks, of whom, on whose behalf, and its open letter.</summary>
    public bool AsksDifferentlyFrom(CampaignContent other) =>
        !Demands.SequenceEqual(other.Demands) || !Targets.SequenceEqual(other.Targets) || !Hosts.SequenceEqual(other.Hosts)
        || Letter != other.Letter || LetterAddressees != other.LetterAddressees || !LetterCalls.SequenceEqual(other.LetterCalls);

    /// <summary>The public wording: a change to it on a published campaign needs a stated reason.</summary>
    public bool ReadsDifferentlyFrom(CampaignContent other) =>
        Title != other.Title || Summary != other.Summary || Body != other.Body;

    /// <summary>Field by field, the lines removed and added since <paramref name="before"/>; unchanged fields are left out.</summary>
    public IReadOnlyList<FieldDiff> DiffSince(CampaignContent before)
    {
        var fields = new (string Name, string Before, string After)[]
        {
            ("Title", before.Title, Title),
            ("Summary", before.Summary, Summary),
            ("Text", before.Body, Body),
            ("Demands", string.Join('\n', before.Demands), string.Join('\n', Demands)),
            ("Targets", string.Join('\n', before.Targets), string.Join('\n', Targets)),
            ("Host organisations", string.Join('\n', before.Hosts), string.Join('\n', Hosts)),
            ("Open letter: addressed to", before.LetterAddressees, LetterAddressees),
            ("Open letter", before.Letter, Letter),
            ("Open letter: calls", string.Join('\n', before.LetterCalls), string.Join('\n', LetterCalls)),
            ("Signature goal", before.Goal == 0 ? "" : before.Goal.ToString(CultureInfo.InvariantCulture), Goal.ToString(CultureInfo.InvariantCulture)),
            ("Deadline", Format(before.Deadline), Format(Deadline)),
            ("Language", LanguageLine(before.Language), LanguageLine(Language)),
        };
        return fields.Where(f => f.Before != f.After).Select(f => FieldDiff.Between(f.Name, f.Before, f.After)).ToList();
    }

    /// <summary>The language as a moderator reads it: its own name and its tag, "Deutsch (de)".</summary>
    private static string LanguageLine(string tag) => tag.Length == 0 ? "" : $"{ContentLanguages.Name(tag)} ({tag})";

    private static string Format(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "";
}
