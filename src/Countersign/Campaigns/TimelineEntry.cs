namespace Countersign.Campaigns;

/// <summary>One line of the public timeline.</summary>
public sealed record TimelineEntry(DateOnly Day, string Kind, string? Text, string? SourceUrl, int? Milestone, long? EventId, string? Outcome = null)
{
    public const string Launched = "launched";
    public const string OutcomeRecorded = "outcome";
}
