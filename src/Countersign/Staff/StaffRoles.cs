using Microsoft.AspNetCore.Identity;

namespace Countersign.Staff;

/// <summary>
/// The site-wide staff roles. Admins manage staff accounts and everything else; moderators run
/// campaigns and review signatures. Organisers and partners hold their roles in one campaign each.
/// </summary>
public static class StaffRoles
{
    public const string Admin = "admin";
    public const string Moderator = "moderator";

    public static readonly IReadOnlyList<string> All = [Admin, Moderator];

    /// <summary>Roles within one campaign (<see cref="CampaignMember"/>).</summary>
    public const string Organiser = "organiser";
    public const string Partner = "partner";

    public const int MaxLength = 16;
    public static readonly IReadOnlyList<string> InCampaign = [Organiser, Partner];

    /// <summary>The authorization policy of admin-only pages.</summary>
    public const string AdminPolicy = "staff-admin";

    // Fixed ids and stamps: the roles are part of the schema (seeded by the migration), and the
    // migration that moved old accounts' IsAdmin flag into roles refers to these ids.
    public const int AdminId = 1;
    public const int ModeratorId = 2;

    internal static IdentityRole<int>[] Seed =>
    [
        new() { Id = AdminId, Name = Admin, NormalizedName = "ADMIN", ConcurrencyStamp = "9d3c1c6e-4f8e-4f5d-9a51-0b8f0d1e7a01" },
        new() { Id = ModeratorId, Name = Moderator, NormalizedName = "MODERATOR", ConcurrencyStamp = "5b2f7a90-2c4d-4b8e-8f0a-6c1d2e3f4a02" },
    ];
}
