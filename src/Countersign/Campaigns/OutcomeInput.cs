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

    /// <summary>Problems by field, as untranslated messages; the outcome's day must lie between the launch and today (see <see cref="CampaignHistory"/>).</summary>
    public Dictionary<string, string> Validate(DateOnly launched, DateOnly today)
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
        else if (ParsedOn() < launched)
        {
            problems[nameof(On)] = "The outcome cannot be dated before the campaign was launched.";
        }
        else if (ParsedOn() > today)
        {
            problems[nameof(On)] = "The outcome cannot be dated in the future.";
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
