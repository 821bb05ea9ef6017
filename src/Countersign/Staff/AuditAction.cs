using Microsoft.Extensions.Localization;

namespace Countersign.Staff;

/// <summary>
/// The actions the audit log names, as constants so pages and tests agree on them. The log stores
/// these codes; readers see them as <see cref="Describe"/> names them in their language.
/// </summary>
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
    public const string StaffReset = "staff.reset";
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
    public const string ImageUploaded = "image.uploaded";
    public const string ImageDescribed = "image.described";
    public const string ImageRemoved = "image.removed";
    public const string CoSignatureApproved = "cosignature.approved";
    public const string CoSignatureRejected = "cosignature.rejected";

    public const string PartnerDescribed = "partner.described";
    public const string PartnerLogoUploaded = "partner.logo-uploaded";
    public const string PartnerLogoRemoved = "partner.logo-removed";
    public const string PartnerLeft = "partner.left";

    /// <summary>The organisation's contact withdrew its co-signature (from the link in its emails: no staff member).</summary>
    public const string CoSignatureWithdrawn = "cosignature.withdrawn";

    /// <summary>Staff downloaded the letter's signatories, private contacts included, as CSV.</summary>
    public const string CoSignaturesExported = "cosignatures.exported";

    /// <summary>The organisation proved its website's domain with a DNS record (checked from its contact's link: no staff member).</summary>
    public const string CoSignatureDomainProved = "cosignature.dns-proved";

    /// <summary>The action as a reader of the log names it, in their language; the code itself for one this version does not know.</summary>
    public static string Describe(string action, IStringLocalizer t) => action switch
    {
        CampaignCreated => t["Campaign drafted"],
        CampaignEdited => t["Campaign edited"],
        CampaignSubmitted => t["Sent for review"],
        CampaignSentToSponsors => t["Sent to its supporters"],
        CampaignApproved => t["Campaign approved and opened"],
        CampaignRejected => t["Campaign sent back"],
        CampaignClosed => t["Campaign closed"],
        CampaignDelivered => t["Signatures delivered"],
        CampaignWithdrawn => t["Campaign withdrawn"],
        ChangeProposed => t["Change proposed"],
        ChangeApproved => t["Change approved"],
        ChangeRejected => t["Change rejected"],
        OutcomeRecorded => t["Outcome recorded"],
        RoleGranted => t["Role given"],
        RoleRevoked => t["Role taken away"],
        StaffInvited => t["Invitation sent"],
        PartnerDescribed => t["Partner's description changed"],
        PartnerLogoUploaded => t["Partner's logo uploaded"],
        PartnerLogoRemoved => t["Partner's logo removed"],
        PartnerLeft => t["Partner left the coalition"],
        StaffDisabled => t["Staff account disabled"],
        StaffEnabled => t["Staff account enabled"],
        StaffRemoved => t["Staff account removed"],
        StaffReset => t["Staff sign-in reset"],
        InvitationWithdrawn => t["Invitation withdrawn"],
        InvitationAccepted => t["Invitation accepted"],
        SupportersExported => t["Supporters exported"],
        TimelineEventAdded => t["Added to the timeline"],
        TimelineEventRemoved => t["Removed from the timeline"],
        SignaturesSetAside => t["Signatures set aside"],
        SetAsideUndone => t["Setting aside undone"],
        SignaturesReleased => t["Held signatures released"],
        UpdatePublished => t["Update published"],
        UpdateSent => t["Update emailed"],
        UpdateHidden => t["Update hidden"],
        UpdateRestored => t["Update shown again"],
        CommentModeChanged => t["Comments setting changed"],
        CommentPublished => t["Comment published"],
        CommentHidden => t["Comment hidden"],
        CommentRestored => t["Comment shown again"],
        ImageUploaded => t["Header image uploaded"],
        ImageDescribed => t["Header image description changed"],
        ImageRemoved => t["Header image removed"],
        CoSignatureApproved => t["Organisation's signature approved"],
        CoSignatureRejected => t["Organisation's signature rejected"],
        CoSignatureWithdrawn => t["Organisation's signature withdrawn"],
        CoSignaturesExported => t["Letter's signatories exported"],
        CoSignatureDomainProved => t["Organisation's domain proved by DNS"],
        _ => action,
    };

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
