namespace Countersign.Campaigns;

/// <summary>Confirmed signatures per country, one row per campaign and country.</summary>
public sealed class CountryCount
{
    public int CampaignId { get; set; }
    public required string CountryCode { get; set; }
    public int Count { get; set; }
}
