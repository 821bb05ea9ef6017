namespace Countersign.Campaigns;

/// <summary>An organisation hosting a campaign; signers choose per host whether to hear from it.</summary>
public sealed class CampaignHost
{
    public const int NameMaxLength = 120;
    public const int WebsiteMaxLength = 300;

    public int Id { get; set; }
    public int CampaignId { get; set; }
    public required string Name { get; set; }
    public string? Website { get; set; }
    public int Position { get; set; }
}
