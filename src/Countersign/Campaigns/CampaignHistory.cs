namespace Countersign.Campaigns;

/// <summary>
/// The days a campaign's story can tell of, for the outcome and the events its organisers date: from the day it was
/// launched (in UTC, as its timeline shows the launch) to today, so nothing shows above "Launched" or tells of the future.
/// </summary>
public static class CampaignHistory
{
    /// <summary>The day the campaign was launched, or null while it has not been.</summary>
    public static DateOnly? FirstDay(Campaign campaign) => campaign.OpenedAt is { } opened ? DateOnly.FromDateTime(opened) : null;

    /// <summary>
    /// Today, as the latest calendar day begun anywhere (UTC+14): an organiser far east of Greenwich may date what happened
    /// this morning, which is still tomorrow in UTC.
    /// </summary>
    public static DateOnly LastDay(DateTime utcNow) => DateOnly.FromDateTime(utcNow.AddHours(14));
}
