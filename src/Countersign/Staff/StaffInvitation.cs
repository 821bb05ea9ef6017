using System.Security.Cryptography;
using System.Text;

namespace Countersign.Staff;

/// <summary>
/// An emailed invitation to become staff: there is no open registration, so an admin (with global
/// roles) or a campaign's organiser (with a role in that campaign) invites an address, and the
/// person who opens the link sets a password. Only a hash of the link's token is kept.
/// </summary>
public sealed class StaffInvitation
{
    public static readonly TimeSpan ValidFor = TimeSpan.FromDays(7);

    public int Id { get; set; }
    public required string Email { get; set; }
    public required byte[] TokenHash { get; set; }

    /// <summary>Global roles (<see cref="StaffRoles.All"/>) the account gets, comma-separated; often none.</summary>
    public string GlobalRoles { get; set; } = "";

    /// <summary>The campaign the invitation is about, with the role in it, or null for an admin's invitation.</summary>
    public int? CampaignId { get; set; }
    public string? CampaignRole { get; set; }
    public int? HostId { get; set; }

    public int? InvitedBy { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime ExpiresAt { get; set; }
    public DateTime? AcceptedAt { get; set; }

    public IReadOnlyList<string> Roles => GlobalRoles.Split(',', StringSplitOptions.RemoveEmptyEntries);

    public static byte[] HashOf(string token) => SHA256.HashData(Encoding.ASCII.GetBytes(token));
}
