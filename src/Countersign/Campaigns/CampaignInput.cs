using System.Globalization;
using System.Text.RegularExpressions;

namespace Countersign.Campaigns;

/// <summary>The staff campaign form, as typed: lists are one item per line.</summary>
public sealed partial class CampaignInput
{
    public string? Title { get; set; }
    public string? Slug { get; set; }
    public string? Summary { get; set; }
    public string? Body { get; set; }
    public string? Demands { get; set; }
    public string? Targets { get; set; }
    public string? Hosts { get; set; }
    public string? Goal { get; set; }
    public string? Deadline { get; set; }

    /// <summary>The open letter's text (Markdown); empty for a campaign without one.</summary>
    public string? Letter { get; set; }
    public string? LetterAddressees { get; set; }

    /// <summary>What the letter calls for, one call per line.</summary>
    public string? LetterCalls { get; set; }

    /// <summary>The language the text is written in: a tag of <see cref="ContentLanguages"/>.</summary>
    public string? Language { get; set; }

    /// <summary>Signature counts to mark on the timeline, separated by commas or spaces.</summary>
    public string? Milestones { get; set; }

    /// <summary>
    /// Whether the campaign takes comments (<see cref="Comments.CommentMode"/>): a setting, applied
    /// at once. Absent from a post, it stays as it is (off for a new campaign).
    /// </summary>
    public string? CommentMode { get; set; }

    /// <summary>Why the wording of a published campaign changes (a typo, a broken link): kept in the audit log.</summary>
    public string? ChangeReason { get; set; }

    public const int ChangeReasonMaxLength = 300;

    public static CampaignInput From(Campaign campaign) => new()
    {
        Title = campaign.Title,
        Slug = campaign.Slug,
        Summary = campaign.Summary,
        Body = campaign.BodyMarkdown,
        Demands = string.Join('\n', campaign.Demands),
        Targets = string.Join('\n', campaign.Targets),
        Hosts = string.Join('\n', CampaignContent.Of(campaign).Hosts),
        Goal = campaign.Goal.ToString(CultureInfo.InvariantCulture),
        Deadline = campaign.Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Language = campaign.Language,
        Letter = campaign.LetterMarkdown,
        LetterAddressees = campaign.LetterAddressees,
        LetterCalls = string.Join('\n', campaign.LetterCalls),
        Milestones = string.Join(", ", campaign.Milestones.Select(m => m.ToString(CultureInfo.InvariantCulture))),
        CommentMode = campaign.CommentMode,
    };

    /// <summary>
    /// A post without any of the letter's fields (a page from before letters, a script) leaves the letter as it is,
    /// like an absent comment setting: only a form that shows the letter can change or remove it.
    /// </summary>
    public void KeepLetterIfAbsent(Campaign campaign)
    {
        if (Letter is null && LetterAddressees is null && LetterCalls is null)
        {
            Letter = campaign.LetterMarkdown;
            LetterAddressees = campaign.LetterAddressees;
            LetterCalls = string.Join('\n', campaign.LetterCalls);
        }
    }

    /// <summary>Problems by field, as untranslated messages.</summary>
    public Dictionary<string, string> Validate()
    {
        var problems = new Dictionary<string, string>();
        Require(problems, nameof(Title), Title, Campaign.TitleMaxLength);
        Require(problems, nameof(Summary), Summary, Campaign.SummaryMaxLength);
        if ((Body ?? "").Length > Campaign.BodyMaxLength)
        {
            problems[nameof(Body)] = "This text is too long.";
        }

        if (!SlugPattern().IsMatch(Slug ?? "") || Slug!.Length > Campaign.SlugMaxLength)
        {
            problems[nameof(Slug)] = "Use 1 to 80 lower-case letters, digits and hyphens.";
        }

        if (Lines(Demands).Any(d => d.Length > Campaign.DemandMaxLength))
        {
            problems[nameof(Demands)] = "Each line must be 500 characters or fewer.";
        }

        if (Lines(Targets).Any(d => d.Length > Campaign.TargetMaxLength))
        {
            problems[nameof(Targets)] = "Each line must be 200 characters or fewer.";
        }

        if (ParsedHosts().Any(h => h.Name.Length is 0 or > CampaignHost.NameMaxLength
            || (h.Website is not null && (h.Website.Length > CampaignHost.WebsiteMaxLength || !Uri.TryCreate(h.Website, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))))
        {
            problems[nameof(Hosts)] = "Each line needs a name of up to 120 characters, and an optional http(s) website after |.";
        }

        LetterProblems(problems);

        if (!int.TryParse(Goal, NumberStyles.None, CultureInfo.InvariantCulture, out var goal) || goal < 1 || goal > Campaign.MaxGoal)
        {
            problems[nameof(Goal)] = "Enter a whole number of signatures, at least 1.";
        }

        if (!string.IsNullOrWhiteSpace(Deadline) && ParsedDeadline() is null)
        {
            problems[nameof(Deadline)] = "Enter a date like 2027-03-31.";
        }

        if (!ContentLanguages.IsKnown(Language))
        {
            problems[nameof(Language)] = "Choose the language of the campaign's text from the list.";
        }

        if (ParsedMilestones() is not { Count: <= Campaign.MaxMilestones })
        {
            problems[nameof(Milestones)] = "Enter up to 10 whole numbers of signatures, separated by commas, like 10000, 75000.";
        }

        if (CommentMode is not null && !Comments.CommentMode.All.Contains(CommentMode))
        {
            problems[nameof(CommentMode)] = "Choose whether the campaign takes comments from the list.";
        }

        if ((ChangeReason ?? "").Length > ChangeReasonMaxLength)
        {
            problems[nameof(ChangeReason)] = "This text is too long.";
        }

        return problems;
    }

    /// <summary>The validated form as the content a moderator would review.</summary>
    public CampaignContent ToContent() => new(
        Title!.Trim(), Summary!.Trim(), Body ?? "", Lines(Demands).ToList(), Lines(Targets).ToList(),
        ParsedHosts().Select(h => h.Website is null ? h.Name : $"{h.Name} | {h.Website}").ToList(),
        int.Parse(Goal!, CultureInfo.InvariantCulture), ParsedDeadline(), Language!)
    {
        // Line breaks made uniform, so that a browser's CRLF is not a new version of the letter (see LetterVersion).
        Letter = (Letter ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim(),
        LetterAddressees = HasLetterText ? (LetterAddressees ?? "").Trim() : "",
        LetterCalls = HasLetterText ? Lines(LetterCalls).ToList() : [],
    };

    private bool HasLetterText => !string.IsNullOrWhiteSpace(Letter);

    /// <summary>A letter needs whom it is addressed to; addressees or calls without a text are a letter half written.</summary>
    private void LetterProblems(Dictionary<string, string> problems)
    {
        if ((Letter ?? "").Length > Campaign.LetterMaxLength)
        {
            problems[nameof(Letter)] = "This text is too long.";
        }
        else if (!HasLetterText && (!string.IsNullOrWhiteSpace(LetterAddressees) || !string.IsNullOrWhiteSpace(LetterCalls)))
        {
            problems[nameof(Letter)] = "Write the letter's text, or leave its addressees and calls empty for a campaign without a letter.";
        }

        if (HasLetterText && string.IsNullOrWhiteSpace(LetterAddressees))
        {
            problems[nameof(LetterAddressees)] = "Say whom the letter is addressed to.";
        }
        else if ((LetterAddressees ?? "").Trim().Length > Campaign.LetterAddresseesMaxLength)
        {
            problems[nameof(LetterAddressees)] = "This text is too long.";
        }

        var calls = Lines(LetterCalls).ToList();
        if (calls.Count > Campaign.MaxLetterCalls || calls.Any(c => c.Length > Campaign.LetterCallMaxLength))
        {
            problems[nameof(LetterCalls)] = "Write up to 20 calls, one per line, each 500 characters or fewer.";
        }
    }

    /// <summary>The milestones in rising order, or null when one is not a number of signatures.</summary>
    public List<int>? ParsedMilestones()
    {
        var milestones = new SortedSet<int>();
        foreach (var item in (Milestones ?? "").Split([',', ' ', ';', '\n'], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(item.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var milestone) || milestone < 1 || milestone > Campaign.MaxGoal)
            {
                return null;
            }

            milestones.Add(milestone);
        }

        return milestones.ToList();
    }

    private DateOnly? ParsedDeadline() =>
        DateOnly.TryParseExact(Deadline?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;

    /// <summary>
    /// Problems with the host lines of an existing campaign: a line naming a host that left the coalition would not bring
    /// it back (see <see cref="CampaignContent.ApplyAsksTo"/>), so it is refused here rather than dropped without a word.
    /// </summary>
    public Dictionary<string, string> ValidateHostsOf(Campaign campaign)
    {
        var problems = new Dictionary<string, string>();
        var left = campaign.Hosts.Where(h => h.HasLeft).Select(h => h.Name).ToHashSet(StringComparer.Ordinal);
        if (ParsedHosts().Any(h => left.Contains(h.Name)))
        {
            problems[nameof(Hosts)] = "An organisation that left this coalition cannot come back under the same name through this list: give the returning organisation a name of its own (its country, say).";
        }

        return problems;
    }

    private IEnumerable<(string Name, string? Website)> ParsedHosts() => CampaignContent.ParseHosts(Lines(Hosts));

    private static IEnumerable<string> Lines(string? text) =>
        (text ?? "").Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static void Require(Dictionary<string, string> problems, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems[field] = "This field is required.";
        }
        else if (value.Trim().Length > maxLength)
        {
            problems[field] = "This text is too long.";
        }
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();
}
