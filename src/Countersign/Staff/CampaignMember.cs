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
    public DateTime AddedAt { get; set; }
    public int? AddedBy { get; set; }
}

/// <summary>Site-wide roles and per-campaign roles, as constants the pages, policies and tests share.</summary>
public static class StaffRoles
{
    public const string Admin = "admin";
    public const string Moderator = "moderator";

    public const string Organiser = "organiser";
    public const string Partner = "partner";

    public const int MaxLength = 16;
    public static readonly IReadOnlyList<string> InCampaign = [Organiser, Partner];
}
