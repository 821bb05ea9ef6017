namespace Countersign.Campaigns;

/// <summary>
/// A dated moment in a campaign's story that its own dates do not already tell: a milestone
/// crossed, or something its organisers record (the target answered, a news report, an action),
/// with a link to the source so readers can check it.
/// </summary>
public sealed class CampaignEvent
{
    public const int TextMaxLength = 300;
    public const int SourceMaxLength = 500;

    public long Id { get; set; }
    public int CampaignId { get; set; }
    public required string Kind { get; set; }
    public DateOnly Day { get; set; }
    public required string Text { get; set; }
    public string? SourceUrl { get; set; }

    /// <summary>The signature count a milestone event marks (unique per campaign, so it is recorded once).</summary>
    public int? Milestone { get; set; }
    public DateTime CreatedAt { get; set; }
}

public static class CampaignEventKind
{
    public const string Milestone = "milestone";
    public const string TargetResponded = "target-responded";
    public const string News = "news";
    public const string Action = "action";

    public const int MaxLength = 24;

    /// <summary>The kinds organisers add by hand; milestones are Countersign's.</summary>
    public static readonly IReadOnlyList<string> Added = [TargetResponded, News, Action];
}

/// <summary>One line of the public timeline.</summary>
public sealed record TimelineEntry(DateOnly Day, string Kind, string? Text, string? SourceUrl, int? Milestone, long? EventId, string? Outcome = null)
{
    public const string Launched = "launched";
    public const string OutcomeRecorded = "outcome";
}

public static class Timeline
{
    /// <summary>Launched, closed, delivered and the outcome from the campaign's own dates, with its events, oldest first.</summary>
    public static IReadOnlyList<TimelineEntry> Of(Campaign campaign, IEnumerable<CampaignEvent> events)
    {
        var entries = new List<TimelineEntry>();
        if (campaign.OpenedAt is { } opened)
        {
            entries.Add(new(DateOnly.FromDateTime(opened), TimelineEntry.Launched, null, null, null, null));
        }

        if (campaign.ClosedAt is { } closed)
        {
            entries.Add(new(DateOnly.FromDateTime(closed), campaign.State == CampaignState.Withdrawn ? CampaignState.Withdrawn : CampaignState.Closed, null, null, null, null));
        }

        if (campaign.DeliveredAt is { } delivered)
        {
            entries.Add(new(DateOnly.FromDateTime(delivered), CampaignState.Delivered, null, null, null, null));
        }

        if (campaign.Outcome != CampaignOutcome.Ongoing)
        {
            entries.Add(new(campaign.OutcomeOn ?? DateOnly.FromDateTime(campaign.UpdatedAt), TimelineEntry.OutcomeRecorded, campaign.OutcomeText, null, null, null, campaign.Outcome));
        }

        entries.AddRange(events.Select(e => new TimelineEntry(e.Day, e.Kind, e.Text, e.SourceUrl, e.Milestone, e.Id)));

        // Stable: on one day, the campaign's own steps come before the events recorded on it.
        return entries.OrderBy(e => e.Day).ToList();
    }
}
