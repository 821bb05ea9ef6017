using System.Data.Common;
using System.Globalization;
using System.Net;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Localization;

namespace Countersign.Comments;

/// <summary>What a comment's confirmation link found: the outcome, and, for a comment it found, its campaign and state.</summary>
public sealed record CommentLink(CommentConfirmOutcome Outcome, Campaign? Campaign = null, string? State = null);

/// <summary>
/// Takes comments from a campaign's public form and confirms them from the link in their email. A
/// comment goes through the signing form's checks: the flood limiter (it is on every request), the
/// proof of work, the honeypot and form stamp (<see cref="FormChecks"/>), and the per-source rate
/// limits, which hold a comment for a moderator rather than refuse it. A comment a bot check catches
/// is answered like any other but not kept at all: nobody will ever confirm it, so there is nothing to hold.
/// </summary>
public sealed class CommentIntake(
    CountersignDb db,
    CampaignCache campaigns,
    FormChecks checks,
    CampaignKeys campaignKeys,
    PersonalDataProtector protector,
    SignerEmails emails,
    Outbox outbox,
    NetworkAddresses networks,
    SigningRates rates,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t)
{
    /// <summary>Takes the comment form posted on <paramref name="campaign"/>'s page from <paramref name="address"/>.</summary>
    public async Task<FormOutcome> TakeAsync(Campaign campaign, CommentForm form, string? proof, IPAddress? address, CancellationToken cancellationToken)
    {
        if (!campaign.TakesComments)
        {
            return FormOutcome.Refused(campaign.AcceptsSignatures ? t["This campaign does not take comments."] : t["This campaign is closed and no longer takes comments."]);
        }

        var check = checks.Check(form.Validate(), form.Website, form.Started, nameof(CommentForm.Started), proof, campaign.Id, ProofOfWorkPurpose.Comment);
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
            await StoreAsync(campaign, form, check.Suspicion, check.Spent, address, cancellationToken);
        }
        catch (DbException)
        {
            return FormOutcome.Busy;
        }

        outbox.WakeSender();
        return FormOutcome.Taken;
    }

    /// <summary>What the confirmation link <paramref name="token"/> finds. Opening it changes nothing (mail scanners follow links).</summary>
    public async Task<CommentLink> LookUpAsync(string token, CancellationToken cancellationToken) => (await FindAsync(token, cancellationToken)).Link;

    /// <summary>
    /// Confirms the comment of the link <paramref name="token"/> when the link is ready to: the comment
    /// then shows at once on a post-moderated campaign, or waits for a moderator on a pre-moderated one.
    /// Returns whether it confirmed it now, and otherwise what the link found.
    /// </summary>
    public async Task<(bool Confirmed, CommentLink Link)> ConfirmAsync(string token, CancellationToken cancellationToken)
    {
        var (link, comment) = await FindAsync(token, cancellationToken);
        if (link.Outcome != CommentConfirmOutcome.Ready)
        {
            return (false, link);
        }

        // The mode as it is now decides: a campaign switched to pre-moderation since the comment was
        // written has its moderators read it first.
        var now = clock.GetUtcNow().UtcDateTime;
        var state = CommentMode.StateOnConfirming(link.Campaign!.CommentMode, comment!.HeldBecause);
        DateTime? publishedAt = state == CommentState.Published ? now : null;
        await db.Comments.Where(c => c.Id == comment.Id && c.State == CommentState.Pending)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.State, state).SetProperty(x => x.ConfirmedAt, now).SetProperty(x => x.PublishedAt, publishedAt), cancellationToken);
        campaigns.Forget(link.Campaign.Slug);
        return (true, link);
    }

    /// <summary>
    /// Stores the comment, encrypted with the campaign's key, and its confirmation email in one
    /// transaction, with the proof of work recorded as spent (on every server of the database).
    /// </summary>
    private async Task StoreAsync(Campaign campaign, CommentForm form, string? suspicion, SpentChallenge? spent, IPAddress? address, CancellationToken cancellationToken)
    {
        var source = await networks.HashAsync(address, cancellationToken);
        var heldBecause = rates.Count(campaign.Id, source, rates.DomainOf(form.TrimmedEmail), RatedAct.Comment);
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
            var emailKey = protector.EmailKey(EmailAddress.Normalise(form.TrimmedEmail));
            db.Comments.Add(new Comment
            {
                CampaignId = campaign.Id,
                NameCiphertext = cipher.Encrypt(form.TrimmedName),
                EmailCiphertext = cipher.Encrypt(form.TrimmedEmail),
                EmailKey = emailKey,
                TextCiphertext = cipher.Encrypt(form.TrimmedText),
                Locale = locale,
                HeldBecause = heldBecause,
                CreatedAt = now,
                ConfirmationTokenHash = ConfirmationToken.Hash(token),
                ConfirmationTokenExpiresAt = ConfirmationToken.ExpiryFrom(now),
            });
            outbox.Add(db, SignerEmails.CommentConfirmationKind, emails.CommentConfirmation(campaign, form.TrimmedName, form.TrimmedEmail, emailKey, token, locale));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The comment a confirmation link names, and where it stands; a link to no comment, or to a campaign no longer public, is unknown.</summary>
    private async Task<(CommentLink Link, Comment? Comment)> FindAsync(string token, CancellationToken cancellationToken)
    {
        var unknown = new CommentLink(CommentConfirmOutcome.Unknown);
        if (!ConfirmationToken.LooksValid(token))
        {
            return (unknown, null);
        }

        var hash = ConfirmationToken.Hash(token);
        var comment = await db.Comments.AsNoTracking().FirstOrDefaultAsync(c => c.ConfirmationTokenHash == hash, cancellationToken);
        if (comment is null)
        {
            return (unknown, null);
        }

        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == comment.CampaignId, cancellationToken);
        if (campaign is null || !campaign.IsPublic)
        {
            return (unknown with { Campaign = campaign }, null);
        }

        var outcome = comment.State != CommentState.Pending ? CommentConfirmOutcome.Confirmed
            : comment.ConfirmationTokenExpiresAt < clock.GetUtcNow().UtcDateTime ? CommentConfirmOutcome.Expired
            : !campaign.TakesComments ? CommentConfirmOutcome.Closed
            : CommentConfirmOutcome.Ready;
        return (new CommentLink(outcome, campaign, comment.State), comment);
    }
}
