namespace Countersign.Campaigns;

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
