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
