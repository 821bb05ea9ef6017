using System.Globalization;

namespace Countersign.Campaigns;

/// <summary>The outcome form, as typed.</summary>
public sealed class OutcomeInput
{
    public string? Outcome { get; set; } = CampaignOutcome.Ongoing;
    public string? On { get; set; }
    public string? Text { get; set; }

    public static OutcomeInput From(Campaign campaign) => new()
    {
        Outcome = campaign.Outcome,
        On = campaign.OutcomeOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        Text = campaign.OutcomeText,
    };

    /// <summary>Problems by field, as untranslated messages.</summary>
    public Dictionary<string, string> Validate()
    {
        var problems = new Dictionary<string, string>();
        if (!CampaignOutcome.All.Contains(Outcome ?? ""))
        {
            problems[nameof(Outcome)] = "Choose an outcome from the list.";
        }

        if (!string.IsNullOrWhiteSpace(On) && ParsedOn() is null)
        {
            problems[nameof(On)] = "Enter a date like 2027-03-31.";
        }

        if ((Text ?? "").Trim().Length > CampaignOutcome.TextMaxLength)
        {
            problems[nameof(Text)] = "This text is too long.";
        }

        return problems;
    }

    /// <summary>The day of the outcome, or null when none was typed (or it is not a date: see <see cref="Validate"/>).</summary>
    public DateOnly? ParsedOn() =>
        DateOnly.TryParseExact(On?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}
