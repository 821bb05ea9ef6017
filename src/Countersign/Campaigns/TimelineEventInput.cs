using System.Globalization;

namespace Countersign.Campaigns;

/// <summary>What organisers type to add an event to the campaign's public timeline.</summary>
public sealed class TimelineEventInput
{
    public string? Kind { get; set; } = CampaignEventKind.TargetResponded;
    public string? Day { get; set; }
    public string? Text { get; set; }
    public string? Source { get; set; }

    /// <summary>
    /// The problems by field, as untranslated messages; none when the event can be added. Its day must lie between the
    /// launch (<paramref name="launched"/>, null while the campaign has not been) and today: see <see cref="CampaignHistory"/>.
    /// </summary>
    public Dictionary<string, string> Validate(DateOnly? launched, DateOnly today)
    {
        var problems = new Dictionary<string, string>();
        if (!CampaignEventKind.Added.Contains(Kind ?? ""))
        {
            problems[nameof(Kind)] = "Choose what happened from the list.";
        }

        if (ParsedDay() is not { } day)
        {
            problems[nameof(Day)] = "Enter a date like 2027-03-31.";
        }
        else if (launched is null)
        {
            problems[nameof(Day)] = "The timeline starts with the campaign's launch: add events once it is published.";
        }
        else if (day < launched)
        {
            problems[nameof(Day)] = "An event cannot be dated before the campaign was launched: the timeline starts with the launch.";
        }
        else if (day > today)
        {
            problems[nameof(Day)] = "An event cannot be dated in the future: add it once it has happened.";
        }

        var text = TrimmedText();
        if (text.Length == 0)
        {
            problems[nameof(Text)] = "This field is required.";
        }
        else if (text.Length > CampaignEvent.TextMaxLength)
        {
            problems[nameof(Text)] = "This text is too long.";
        }

        if (TrimmedSource() is { } source
            && (source.Length > CampaignEvent.SourceMaxLength || !Uri.TryCreate(source, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            problems[nameof(Source)] = "Enter the web address of the source, starting with https://.";
        }

        return problems;
    }

    public DateOnly? ParsedDay() =>
        DateOnly.TryParseExact(Day?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;

    public string TrimmedText() => Text?.Trim() ?? "";

    public string? TrimmedSource() => string.IsNullOrWhiteSpace(Source) ? null : Source.Trim();
}
