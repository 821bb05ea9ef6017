using System.Globalization;
using System.Security.Claims;
using Countersign.Data;

namespace Countersign.Staff;

public static class AuditLog
{
    /// <summary>Adds an entry to the context, to be saved with the change it records, in the same transaction.</summary>
    public static void Record(this CountersignDb db, ClaimsPrincipal? staff, string action, int? campaignId, DateTime now, string? details = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            At = now,
            StaffUserId = staff is null ? null : StaffIdOf(staff),
            Action = action,
            CampaignId = campaignId,
            Details = details is { Length: > AuditEntry.DetailsMaxLength } ? details[..AuditEntry.DetailsMaxLength] : details,
        });

    /// <summary>
    /// The entries a member of staff may read: every one for an admin; for anyone else, those of the
    /// campaigns they belong to. The log names drafts and staff members' addresses, and a partner of
    /// one campaign has no business reading another's.
    /// </summary>
    public static IQueryable<AuditEntry> VisibleTo(this CountersignDb db, ClaimsPrincipal staff)
    {
        if (staff.IsInRole(StaffRoles.Admin))
        {
            return db.AuditEntries;
        }

        var staffId = StaffIdOf(staff);
        return db.AuditEntries.Where(e => e.CampaignId != null && db.CampaignMembers.Any(m => m.CampaignId == e.CampaignId && m.StaffUserId == staffId));
    }

    /// <summary>The signed-in staff member's account id.</summary>
    public static int? StaffIdOf(ClaimsPrincipal staff) =>
        int.TryParse(staff.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
}
