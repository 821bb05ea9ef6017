using System.Data.Common;
using System.Globalization;
using System.Net;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Hosting;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Localization;

namespace Countersign.Letters;

/// <summary>What a confirmation or withdrawal link found.</summary>
public enum CoSignLinkOutcome
{
    /// <summary>The link can act: confirm the address, or withdraw the signature.</summary>
    Ready,

    /// <summary>Already done: the address confirmed (the signature is with the organisers or decided), or the signature withdrawn.</summary>
    Done,
    Expired,

    /// <summary>The letter stopped taking co-signatures (the campaign closed) before the address was confirmed.</summary>
    Closed,

    /// <summary>Nothing we issued, or its signature no longer exists.</summary>
    Unknown,
}

/// <summary>What a link found: the outcome, and for a co-signature it found, its campaign, organisation, state and number.</summary>
public sealed record CoSignLink(CoSignLinkOutcome Outcome, Campaign? Campaign = null, string? Organisation = null, string? State = null, long? CoSignatureId = null);

/// <summary>
/// Takes organisations' co-signatures of a campaign's open letter, confirms their contact's address from the link in
/// the first email, and withdraws them from the link in any email. The form goes through the checks every public form
/// does (<see cref="FormChecks"/>: stamp, honeypot, proof of work) and the per-source rate limits (<see cref="SigningRates"/>),
/// which here mark a co-signature for the organisers rather than hold it: every co-signature waits for them anyway.
/// A co-signature a bot check catches is answered like any other but not kept.
/// </summary>
public sealed class LetterIntake(
    CountersignDb db,
    CampaignCache campaigns,
    FormChecks checks,
    CampaignKeys campaignKeys,
    PersonalDataProtector protector,
    CoSignerEmails emails,
    StaffEmails staffEmails,
    Outbox outbox,
    NetworkAddresses networks,
    SigningRates rates,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t)
{
    /// <summary>The organisations on the letter (approved) a new one may name as its parent, by name.</summary>
    public async Task<IReadOnlyList<(long Id, string Name)>> ParentsAsync(int campaignId, CancellationToken cancellationToken) =>
        (await db.CoSignatures.AsNoTracking().Where(s => s.CampaignId == campaignId && s.State == CoSignatureState.Approved)
            .Select(s => new { s.Id, s.Name }).ToListAsync(cancellationToken))
        .OrderBy(s => s.Name, StringComparer.Create(CultureInfo.CurrentCulture, ignoreCase: true)).Select(s => (s.Id, s.Name)).ToList();

    /// <summary>Takes the co-signing form posted on <paramref name="campaign"/>'s letter page from <paramref name="address"/>.</summary>
    public async Task<FormOutcome> TakeAsync(Campaign campaign, CoSignForm form, string? proof, IPAddress? address, CancellationToken cancellationToken)
    {
        if (!campaign.TakesCoSignatures)
        {
            return FormOutcome.Refused(campaign.HasLetter ? t["This letter no longer takes signatures: the campaign is closed."] : t["This campaign has no open letter."]);
        }

        var parents = await ParentsAsync(campaign.Id, cancellationToken);
        var problems = form.Validate(parents.Select(p => p.Id).ToList());
        if (!problems.ContainsKey(nameof(CoSignForm.Name)) && parents.Any(p => string.Equals(p.Name, form.TrimmedName, StringComparison.OrdinalIgnoreCase)))
        {
            problems[nameof(CoSignForm.Name)] = "An organisation of this name has already signed this letter.";
        }

        var check = checks.Check(problems, form.Address, form.Started, nameof(CoSignForm.Started), proof, campaign.Id, ProofOfWorkPurpose.CoSignature);
        if (check.StampOutOfDate)
        {
            form.Started = null;
        }

        if (check.Problems.Count > 0)
        {
            return FormOutcome.Invalid(check.Problems);
        }

        try
        {
            var version = await CurrentVersionAsync(campaign, cancellationToken);
            await StoreAsync(campaign, version, form, check.Suspicion, check.Spent, address, cancellationToken);
        }
        catch (DbException)
        {
            return FormOutcome.Busy;
        }

        outbox.WakeSender();
        return FormOutcome.Taken;
    }

    /// <summary>What the confirmation link <paramref name="token"/> finds. Opening it changes nothing (mail scanners follow links).</summary>
    public async Task<CoSignLink> LookUpConfirmationAsync(string token, CancellationToken cancellationToken) =>
        (await FindByConfirmationAsync(token, cancellationToken)).Link;

    /// <summary>
    /// Confirms the contact's address when the link is ready to, and tells them by email that the signature now waits
    /// for the organisers. Returns whether it confirmed it now, and otherwise what the link found.
    /// </summary>
    public async Task<(bool Confirmed, CoSignLink Link)> ConfirmAsync(string token, CancellationToken cancellationToken)
    {
        var (link, signature) = await FindByConfirmationAsync(token, cancellationToken);
        if (link.Outcome != CoSignLinkOutcome.Ready)
        {
            return (false, link);
        }

        // Decrypted before the transaction: on SQLite a key made now would wait for the transaction's own write lock.
        var contact = await ContactOfAsync(signature!, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var confirmed = await db.CoSignatures.Where(s => s.Id == signature!.Id && s.State == CoSignatureState.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CoSignatureState.Verified).SetProperty(x => x.ConfirmedAt, now), cancellationToken);
        if (confirmed == 0)
        {
            return (false, link with { Outcome = CoSignLinkOutcome.Done });
        }

        outbox.Add(db, CoSignerEmails.VerifiedKind, emails.Verified(link.Campaign!, contact, signature!.Name, signature.DomainVerified));
        await TellOrganisersAsync(link.Campaign!, signature.Name, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.WakeSender();
        return (true, link with { State = CoSignatureState.Verified });
    }

    /// <summary>
    /// Emails each of the campaign's organisers that a co-signature waits for their decision, in the campaign's language.
    /// Every one, whatever they chose for milestones: a decision is theirs to take, and nobody else is told.
    /// </summary>
    private async Task TellOrganisersAsync(Campaign campaign, string organisation, CancellationToken cancellationToken)
    {
        var organisers = await (
            from member in db.CampaignMembers
            where member.CampaignId == campaign.Id && member.Role == StaffRoles.Organiser
            join staff in db.StaffUsers on member.StaffUserId equals staff.Id
            select staff.Email).ToListAsync(cancellationToken);
        using var language = new CultureScope(campaign.Language);
        foreach (var address in organisers.OfType<string>())
        {
            outbox.Add(db, StaffEmails.CoSignatureWaitingKind, staffEmails.CoSignatureWaiting(address, campaign.Title, campaign.Id, organisation));
        }
    }

    /// <summary>What the withdrawal link <paramref name="token"/> finds; opening it changes nothing.</summary>
    public async Task<CoSignLink> LookUpWithdrawalAsync(string token, CancellationToken cancellationToken) =>
        (await FindByWithdrawalAsync(token, cancellationToken)).Link;

    /// <summary>
    /// Withdraws the co-signature of the link: it leaves the letter and its JSON at once, whatever state the campaign is
    /// in. The audit log keeps that it happened (the organisation's number, never its contact), and the contact is told.
    /// </summary>
    public async Task<(bool Withdrawn, CoSignLink Link)> WithdrawAsync(string token, CancellationToken cancellationToken)
    {
        var (link, signature) = await FindByWithdrawalAsync(token, cancellationToken);
        if (link.Outcome != CoSignLinkOutcome.Ready)
        {
            return (false, link);
        }

        var contact = await ContactOfAsync(signature!, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var withdrawn = await db.CoSignatures.Where(s => s.Id == signature!.Id && CoSignatureState.Withdrawable.Contains(s.State))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CoSignatureState.Withdrawn).SetProperty(x => x.WithdrawnAt, now), cancellationToken);
        if (withdrawn == 0)
        {
            return (false, link with { Outcome = CoSignLinkOutcome.Done, State = CoSignatureState.Withdrawn });
        }

        db.Record(staff: null, AuditAction.CoSignatureWithdrawn, link.Campaign!.Id, now,
            string.Create(CultureInfo.InvariantCulture, $"Co-signature {signature!.Id}, withdrawn by its contact"));
        if (contact.CanBeEmailed)
        {
            outbox.Add(db, CoSignerEmails.WithdrawnKind, emails.Withdrawn(link.Campaign, contact, signature.Name));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        campaigns.Forget(link.Campaign.Slug);
        outbox.WakeSender();
        return (true, link with { State = CoSignatureState.Withdrawn });
    }

    /// <summary>
    /// The version of the letter as it reads now, recorded the first time anyone signs it. Two organisations signing a
    /// new wording at once both try to record it; the unique index keeps one, and the other reads it back.
    /// </summary>
    private async Task<LetterVersion> CurrentVersionAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var hash = LetterVersion.HashOf(campaign.LetterAddressees, campaign.LetterMarkdown, campaign.LetterCalls);
        for (var attempt = 0; ; attempt++)
        {
            var existing = await db.LetterVersions.AsNoTracking().FirstOrDefaultAsync(v => v.CampaignId == campaign.Id && v.Hash == hash, cancellationToken);
            if (existing is not null)
            {
                return existing;
            }

            var number = 1 + (await db.LetterVersions.Where(v => v.CampaignId == campaign.Id).MaxAsync(v => (int?)v.Number, cancellationToken) ?? 0);
            var version = LetterVersion.Of(campaign, number, clock.GetUtcNow().UtcDateTime);
            db.LetterVersions.Add(version);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return version;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                db.Entry(version).State = EntityState.Detached;
            }
        }
    }

    /// <summary>
    /// Stores the co-signature, its contact encrypted with the campaign's key, and its confirmation email in one
    /// transaction, with the proof of work recorded as spent.
    /// </summary>
    private async Task StoreAsync(Campaign campaign, LetterVersion version, CoSignForm form, string? suspicion, SpentChallenge? spent, IPAddress? address, CancellationToken cancellationToken)
    {
        var source = await networks.HashAsync(address, cancellationToken);
        var flaggedBecause = rates.Count(campaign.Id, source, rates.DomainOf(form.TrimmedContactEmail), RatedAct.CoSignature);
        var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (spent is not null)
        {
            var rows = new SignatureRows(db.Database.GetDbConnection(), transaction.GetDbTransaction());
            if ((await rows.SpendAsync([spent], now, purgeExpired: false, cancellationToken)).Count > 0)
            {
                suspicion = BotChecks.ReplayedReason;
            }
        }

        if (suspicion is null)
        {
            var token = ConfirmationToken.NewRandom();
            var locale = CultureInfo.CurrentUICulture.Name;
            var signature = new CoSignature
            {
                CampaignId = campaign.Id,
                LetterVersionId = version.Id,
                Name = form.TrimmedName,
                Description = form.TrimmedDescription,
                Members = form.ParsedMembers,
                Kind = form.Kind!,
                CountryCode = form.CountryCode,
                Website = form.TrimmedWebsite,
                ParentId = form.ParsedParent,
                ContactNameCiphertext = cipher.Encrypt(form.TrimmedContactName),
                ContactRoleCiphertext = cipher.Encrypt(form.TrimmedContactRole),
                ContactEmailCiphertext = cipher.Encrypt(form.TrimmedContactEmail),
                EmailKey = protector.EmailKey(EmailAddress.Normalise(form.TrimmedContactEmail)),
                DomainVerified = form.EmailMatchesWebsite(),
                FlaggedBecause = flaggedBecause,
                Locale = locale,
                CreatedAt = now,
                ConfirmationTokenHash = ConfirmationToken.Hash(token),
                ConfirmationTokenExpiresAt = ConfirmationToken.ExpiryFrom(now),
            };
            db.CoSignatures.Add(signature);

            // The email's withdrawal link names the co-signature, so it is written once the row has its number.
            await db.SaveChangesAsync(cancellationToken);
            var contact = new CoSignerContact(signature.Id, form.TrimmedContactName, form.TrimmedContactEmail, locale);
            outbox.Add(db, CoSignerEmails.ConfirmationKind, emails.Confirmation(campaign, contact, signature.Name, token));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The contact of a co-signature, decrypted with its campaign's key, for an email.</summary>
    private async Task<CoSignerContact> ContactOfAsync(CoSignature signature, CancellationToken cancellationToken) =>
        CoSignerContact.Of(signature, await campaignKeys.ForCampaignAsync(signature.CampaignId, cancellationToken));

    private async Task<(CoSignLink Link, CoSignature? Signature)> FindByConfirmationAsync(string token, CancellationToken cancellationToken)
    {
        if (!ConfirmationToken.LooksValid(token))
        {
            return (new CoSignLink(CoSignLinkOutcome.Unknown), null);
        }

        var hash = ConfirmationToken.Hash(token);
        var signature = await db.CoSignatures.AsNoTracking().FirstOrDefaultAsync(s => s.ConfirmationTokenHash == hash, cancellationToken);
        return await WithCampaignAsync(signature, campaign => signature!.State != CoSignatureState.Pending ? CoSignLinkOutcome.Done
            : signature.ConfirmationTokenExpiresAt < clock.GetUtcNow().UtcDateTime ? CoSignLinkOutcome.Expired
            : !campaign.TakesCoSignatures ? CoSignLinkOutcome.Closed
            : CoSignLinkOutcome.Ready, cancellationToken);
    }

    private async Task<(CoSignLink Link, CoSignature? Signature)> FindByWithdrawalAsync(string token, CancellationToken cancellationToken)
    {
        var id = CoSignatureLink.Withdrawal.Read(protector, token);
        var signature = id is null ? null : await db.CoSignatures.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        return await WithCampaignAsync(signature, _ => CoSignatureState.Withdrawable.Contains(signature!.State) ? CoSignLinkOutcome.Ready : CoSignLinkOutcome.Done, cancellationToken);
    }

    /// <summary>A link's co-signature with its campaign, and what the link can do (<paramref name="outcome"/>); unknown without either.</summary>
    private async Task<(CoSignLink Link, CoSignature? Signature)> WithCampaignAsync(CoSignature? signature, Func<Campaign, CoSignLinkOutcome> outcome, CancellationToken cancellationToken)
    {
        var campaign = signature is null ? null : await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == signature.CampaignId, cancellationToken);
        if (signature is null || campaign is null)
        {
            return (new CoSignLink(CoSignLinkOutcome.Unknown), null);
        }

        return (new CoSignLink(outcome(campaign), campaign, signature.Name, signature.State, signature.Id), signature);
    }
}
