namespace Countersign.Staff;

/// <summary>
/// A member of staff's role in one campaign: organisers run it (edit, move, timeline, updates,
/// members), partners are host organisations that see their own figures and opt-in supporters.
/// </summary>
public sealed class CampaignMember
{
    public int CampaignId { get; set; }
    public int StaffUserId { get; set; }
    public required string Role { get; set; }

    /// <summary>For a partner, the host organisation it speaks for: it sees only the supporters who agreed to hear from that host.</summary>
    public int? HostId { get; set; }
    /// <summary>Whether an organiser gets an email when the campaign passes a milestone; each organiser chooses on the Team page.</summary>
    public bool MilestoneEmails { get; set; } = true;

    public DateTime AddedAt { get; set; }
    public int? AddedBy { get; set; }
}
