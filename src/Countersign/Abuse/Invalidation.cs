namespace Countersign.Abuse;

/// <summary>
/// A moderator setting aside a group of signatures (from one network, at one email domain, in a
/// time window, or a whole campaign's). The signatures keep everything but stop counting; undoing
/// the invalidation counts them again. The record stays, undone or not, as the log of both acts.
/// </summary>
public sealed class Invalidation
{
    public const int DescriptionMaxLength = 200;
    public const int StaffEmailMaxLength = 254;

    public long Id { get; set; }
    public int CampaignId { get; set; }

    /// <summary>What was chosen, in words a moderator reads back ("network 3fa9…, 14:00–15:00").</summary>
    public required string Description { get; set; }
    public required string InvalidatedBy { get; set; }
    public DateTime InvalidatedAt { get; set; }

    /// <summary>Signatures this invalidation set aside.</summary>
    public int SignatureCount { get; set; }

    /// <summary>Of those, how many had counted (the count fell by this much).</summary>
    public int CountedCount { get; set; }

    public string? UndoneBy { get; set; }
    public DateTime? UndoneAt { get; set; }
}
