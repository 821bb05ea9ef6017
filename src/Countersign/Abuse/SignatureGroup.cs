namespace Countersign.Abuse;

/// <summary>A group of one campaign's signatures a moderator picks out: any mix of network, email domain and time window.</summary>
public sealed record SignatureGroup(int CampaignId, byte[]? NetworkHash = null, byte[]? EmailDomainKey = null, DateTime? From = null, DateTime? Until = null);
