namespace Countersign.Privacy;

/// <summary>
/// A campaign's own data key, stored only wrapped (AES-GCM) by the master encryption key. Deleting
/// this row is crypto-shredding: every copy of the campaign's encrypted personal data, in the
/// database, its old pages or an old export, becomes unreadable for good.
/// </summary>
public sealed class CampaignKey
{
    public int CampaignId { get; set; }
    public required byte[] WrappedKey { get; set; }
    public DateTime CreatedAt { get; set; }
}
