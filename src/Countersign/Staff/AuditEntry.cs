using System.Globalization;
using System.Security.Claims;
using Countersign.Data;

namespace Countersign.Staff;

/// <summary>
/// One staff action, kept for good: who did what, when, to which campaign. It never holds signers'
/// personal data: details name counts, states and reasons, not people. The database refuses to
/// change or delete a row (a trigger on each provider), so not even a bug in this app can rewrite it.
/// </summary>
public sealed class AuditEntry
{
    public const int ActionMaxLength = 48;
    public const int DetailsMaxLength = 2_000;

    public long Id { get; set; }
    public DateTime At { get; set; }

    /// <summary>The staff member who acted; null when Countersign itself did (a deadline passing).</summary>
    public int? StaffUserId { get; set; }
    public required string Action { get; set; }
    public int? CampaignId { get; set; }
    public string? Details { get; set; }
}

/// <summary>The actions the audit log names, as constants so pages and tests agree on them.</summary>
public static class AuditAction
{
    public const string CampaignCreated = "campaign.created";
    public const string CampaignEdited = "campaign.edited";
    public const string CampaignSubmitted = "campaign.submitted";

    /// <summary>Sent for review while the site asks for supporting signatures first: it went to its supporters.</summary>
    public const string CampaignSentToSponsors = "campaign.sponsoring";
    public const string CampaignApproved = "campaign.approved";
    public const string CampaignRejected = "campaign.rejected";
    public const string CampaignClosed = "campaign.closed";
    public const string CampaignDelivered = "campaign.delivered";
    public const string CampaignWithdrawn = "campaign.withdrawn";
    public const string ChangeProposed = "change.proposed";
    public const string ChangeApproved = "change.approved";
    public const string ChangeRejected = "change.rejected";
    public const string OutcomeRecorded = "outcome.recorded";
    public const string RoleGranted = "role.granted";
    public const string RoleRevoked = "role.revoked";
    public const string StaffInvited = "staff.invited";
    public const string StaffDisabled = "staff.disabled";
    public const string StaffEnabled = "staff.enabled";
    public const string StaffRemoved = "staff.removed";
    public const string InvitationWithdrawn = "staff.invitation-withdrawn";
    public const string InvitationAccepted = "staff.invitation-accepted";
    public const string SupportersExported = "supporters.exported";
    public const string TimelineEventAdded = "timeline.added";
    public const string TimelineEventRemoved = "timeline.removed";
    public const string SignaturesSetAside = "signatures.set-aside";
    public const string SetAsideUndone = "signatures.set-aside-undone";
    public const string SignaturesReleased = "signatures.released";
    public const string UpdatePublished = "update.published";
    public const string UpdateSent = "update.sent";
    public const string UpdateHidden = "update.hidden";
    public const string UpdateRestored = "update.restored";
    public const string CommentModeChanged = "comments.mode";
    public const string CommentPublished = "comment.published";
    public const string CommentHidden = "comment.hidden";
    public const string CommentRestored = "comment.restored";

    /// <summary>The audit action for a campaign moving into a state.</summary>
    public static string ForMoveTo(string state) => state switch
    {
        Campaigns.CampaignState.Sponsoring => CampaignSentToSponsors,
        Campaigns.CampaignState.InReview => CampaignSubmitted,
        Campaigns.CampaignState.Open => CampaignApproved,
        Campaigns.CampaignState.Rejected => CampaignRejected,
        Campaigns.CampaignState.Closed => CampaignClosed,
        Campaigns.CampaignState.Delivered => CampaignDelivered,
        Campaigns.CampaignState.Withdrawn => CampaignWithdrawn,
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "No audit action for this state."),
    };
}

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
