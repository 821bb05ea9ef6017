using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Letters;

/// <summary>How an organiser's decision on a co-signature went.</summary>
public enum CoSignatureDecisionResult
{
    Done,

    /// <summary>The campaign has no such co-signature, or none its staff can see yet (its contact has not confirmed their address).</summary>
    NoSuchSignatory,

    /// <summary>The reason is missing or too long: the form comes back with it.</summary>
    ReasonProblem,

    /// <summary>The co-signature left the states the decision moves from (decided by someone else, or withdrawn) while the organiser was deciding.</summary>
    Changed,
}

/// <summary>How a decision went, with the message the page shows (what was done, or why not).</summary>
public sealed record CoSignatureDecisionOutcome(CoSignatureDecisionResult Result, string Message);

/// <summary>One co-signature as the campaign's staff see it: what the organisation says of itself, how far it is verified, and its private contact.</summary>
public sealed record StaffCoSignature(
    long Id,
    string Name,
    string Description,
    int? Members,
    string Kind,
    string CountryCode,
    string Website,
    string? ParentName,
    string State,
    bool DomainVerified,
    int LetterVersion,
    bool SignedCurrentText,
    string ContactName,
    string ContactRole,
    string ContactEmail,
    DateTime? ConfirmedAt,
    DateTime? DecidedAt,
    string? DecidedBy,
    string? RejectionReason,
    DateTime? WithdrawnAt,
    DateTime? DnsVerifiedAt,
    string? FlaggedBecause);

/// <summary>A campaign's co-signatures for its staff: those whose contact confirmed their address, and how many still wait for that.</summary>
public sealed record StaffCoSignatures(IReadOnlyList<StaffCoSignature> Confirmed, int Unconfirmed);

/// <summary>
/// Organisers' decisions on the organisations co-signing their campaign's open letter: approve (the only way onto the
/// public letter) or reject with a reason the organisation is told. Each decision is a conditional update, committed with
/// its audit entry (the co-signature's number and the reason, never its contact) and the email to the contact.
/// </summary>
public sealed class CoSignatureDecisions(
    CountersignDb db,
    CampaignKeys campaignKeys,
    CampaignCache campaigns,
    CoSignerEmails emails,
    Outbox outbox,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t)
{
    /// <summary>States an approval moves from: a confirmed co-signature, or one rejected before and now accepted after all.</summary>
    private static readonly string[] Approvable = [CoSignatureState.Verified, CoSignatureState.Rejected];

    /// <summary>States a rejection moves from: a confirmed co-signature, or a published one taken off the letter.</summary>
    private static readonly string[] Rejectable = [CoSignatureState.Verified, CoSignatureState.Approved];

    /// <summary>The campaign's co-signatures whose contact confirmed their address, contacts decrypted, the oldest first.</summary>
    public async Task<StaffCoSignatures> ListAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var unconfirmed = await db.CoSignatures.CountAsync(s => s.CampaignId == campaign.Id && s.State == CoSignatureState.Pending, cancellationToken);
        var rows = await db.CoSignatures.AsNoTracking().Where(s => s.CampaignId == campaign.Id && s.State != CoSignatureState.Pending)
            .OrderBy(s => s.ConfirmedAt).ThenBy(s => s.Id).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return new StaffCoSignatures([], unconfirmed);
        }

        // A parent may be pending or withdrawn by now: its name is still the one the member organisation chose.
        var parentIds = rows.Where(s => s.ParentId != null).Select(s => s.ParentId!.Value).Distinct().ToList();
        var parents = await db.CoSignatures.AsNoTracking().Where(s => s.CampaignId == campaign.Id && parentIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        var versions = await db.LetterVersions.AsNoTracking().Where(v => v.CampaignId == campaign.Id).ToDictionaryAsync(v => v.Id, cancellationToken);
        var deciderIds = rows.Where(s => s.DecidedBy != null).Select(s => s.DecidedBy!.Value).Distinct().ToList();
        var deciders = await db.StaffUsers.AsNoTracking().Where(u => deciderIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        var currentText = LetterVersion.HashOf(campaign.LetterAddressees, campaign.LetterMarkdown, campaign.LetterCalls);
        var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
        var listed = rows.Select(s =>
        {
            var version = versions.GetValueOrDefault(s.LetterVersionId);
            return new StaffCoSignature(s.Id, s.Name, s.Description, s.Members, s.Kind, s.CountryCode, s.Website,
                s.ParentId is { } parent ? parents.GetValueOrDefault(parent) : null, s.State, s.DomainVerified,
                version?.Number ?? 0, version is not null && version.Hash.AsSpan().SequenceEqual(currentText),
                CoSignerContact.Reveal(cipher, s.ContactNameCiphertext), CoSignerContact.Reveal(cipher, s.ContactRoleCiphertext), CoSignerContact.Reveal(cipher, s.ContactEmailCiphertext),
                s.ConfirmedAt, s.DecidedAt, s.DecidedBy is { } by ? deciders.GetValueOrDefault(by) : null, s.RejectionReason, s.WithdrawnAt,
                s.DnsVerifiedAt, s.FlaggedBecause);
        }).ToList();
        return new StaffCoSignatures(listed, unconfirmed);
    }

    /// <summary>Publishes a confirmed co-signature on the letter (or one rejected before), and tells its contact.</summary>
    public Task<CoSignatureDecisionOutcome> ApproveAsync(Campaign campaign, long coSignatureId, ClaimsPrincipal by, CancellationToken cancellationToken) =>
        DecideAsync(campaign, coSignatureId, Approvable, CoSignatureState.Approved, reason: null, by, cancellationToken);

    /// <summary>Refuses a confirmed co-signature (or takes a published one off the letter) for a reason its contact is told.</summary>
    public async Task<CoSignatureDecisionOutcome> RejectAsync(Campaign campaign, long coSignatureId, string? reason, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        var trimmed = (reason ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return new CoSignatureDecisionOutcome(CoSignatureDecisionResult.ReasonProblem, t["Give a reason: the organisation is told it, and it is kept in the audit log."]);
        }

        if (trimmed.Length > CoSignature.ReasonMaxLength)
        {
            return new CoSignatureDecisionOutcome(CoSignatureDecisionResult.ReasonProblem, t["The reason must be 500 characters or fewer."]);
        }

        return await DecideAsync(campaign, coSignatureId, Rejectable, CoSignatureState.Rejected, trimmed, by, cancellationToken);
    }

    /// <summary>
    /// Moves one co-signature of <paramref name="campaign"/> from one of <paramref name="from"/> to <paramref name="to"/>. The
    /// move is a conditional update, so two organisers deciding the same co-signature at once cannot both succeed; its audit
    /// entry and the email to the contact commit with it, or not at all.
    /// </summary>
    private async Task<CoSignatureDecisionOutcome> DecideAsync(Campaign campaign, long coSignatureId, string[] from, string to, string? reason, ClaimsPrincipal by,
        CancellationToken cancellationToken)
    {
        var found = await db.CoSignatures.AsNoTracking().Where(s => s.Id == coSignatureId && s.CampaignId == campaign.Id)
            .Select(s => new { s.State, s.Name, s.Locale, s.ContactNameCiphertext, s.ContactEmailCiphertext }).FirstOrDefaultAsync(cancellationToken);
        if (found is null || found.State == CoSignatureState.Pending)
        {
            return new CoSignatureDecisionOutcome(CoSignatureDecisionResult.NoSuchSignatory, t["This letter has no such signatory."]);
        }

        if (found.State == CoSignatureState.Withdrawn)
        {
            return new CoSignatureDecisionOutcome(CoSignatureDecisionResult.Changed, t["This organisation has withdrawn its signature: there is nothing left to decide."]);
        }

        if (!from.Contains(found.State))
        {
            return Changed();
        }

        // Decrypted before the transaction, which then holds no lock while it waits on the cipher.
        var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
        var contact = new CoSignerContact(coSignatureId, CoSignerContact.Reveal(cipher, found.ContactNameCiphertext), CoSignerContact.Reveal(cipher, found.ContactEmailCiphertext), found.Locale);
        var now = clock.GetUtcNow().UtcDateTime;
        var staffId = AuditLog.StaffIdOf(by);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.CoSignatures.Where(s => s.Id == coSignatureId && s.CampaignId == campaign.Id && from.Contains(s.State)).ExecuteUpdateAsync(s => s
            .SetProperty(x => x.State, to).SetProperty(x => x.DecidedAt, now).SetProperty(x => x.DecidedBy, staffId).SetProperty(x => x.RejectionReason, reason), cancellationToken);
        if (moved == 0)
        {
            return Changed();
        }

        if (to == CoSignatureState.Approved)
        {
            db.Record(by, AuditAction.CoSignatureApproved, campaign.Id, now, string.Create(CultureInfo.InvariantCulture, $"Co-signature {coSignatureId}"));
            if (contact.CanBeEmailed)
            {
                outbox.Add(db, CoSignerEmails.ApprovedKind, emails.Approved(campaign, contact, found.Name));
            }
        }
        else
        {
            db.Record(by, AuditAction.CoSignatureRejected, campaign.Id, now, string.Create(CultureInfo.InvariantCulture, $"Co-signature {coSignatureId}: {reason}"));
            if (contact.CanBeEmailed)
            {
                outbox.Add(db, CoSignerEmails.RejectedKind, emails.Rejected(campaign, contact, found.Name, reason!));
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        campaigns.Forget(campaign.Slug);
        outbox.WakeSender();
        return new CoSignatureDecisionOutcome(CoSignatureDecisionResult.Done, to == CoSignatureState.Approved
            ? t["{0} is approved: it is on the letter, and its contact is told by email.", found.Name]
            : t["{0} is rejected: it is not on the letter, and its contact is told why by email.", found.Name]);
    }

    private CoSignatureDecisionOutcome Changed() =>
        new(CoSignatureDecisionResult.Changed, t["This signature changed while you were deciding (another organiser, perhaps). Here is where it stands now."]);
}
