namespace Countersign.Campaigns;

/// <summary>Confirmed signatures per UTC day of confirmation.</summary>
public sealed class DayCount
{
    public int CampaignId { get; set; }
    public DateOnly Day { get; set; }
    public int Count { get; set; }
}
