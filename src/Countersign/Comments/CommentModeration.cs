using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Comments;

/// <summary>How a moderator's decision on a comment went.</summary>
public enum ModerationResult
{
    Done,

    /// <summary>The campaign has no such comment, or none a moderator can see yet (its email is not confirmed).</summary>
    NoSuchComment,

    /// <summary>The reason is missing or too long: the form comes back with it.</summary>
    ReasonProblem,

    /// <summary>The comment left the states the decision moves from while the moderator was deciding.</summary>
    Changed,
}

/// <summary>How a decision went, with the message the page shows (what was done, or why not).</summary>
public sealed record ModerationOutcome(ModerationResult Result, string Message);

/// <summary>
/// Moderators' decisions on a campaign's comments: publish, hide, restore (<see cref="CommentDecision"/>).
/// A hide or a restore needs a reason, and every decision goes to the audit log.
/// </summary>
public sealed class CommentModeration(CountersignDb db, CampaignCache campaigns, TimeProvider clock, IStringLocalizer<SharedResource> t)
{
    /// <summary>
    /// Moves one comment as <paramref name="decision"/> says. The move is a conditional update, so two
    /// moderators deciding the same comment at once cannot both succeed, and it commits with its audit
    /// entry (the comment's number and the reason, never its author).
    /// </summary>
    public async Task<ModerationOutcome> DecideAsync(Campaign campaign, long commentId, CommentDecision decision, string? reason, ClaimsPrincipal moderator, CancellationToken cancellationToken)
    {
        var current = await db.Comments.AsNoTracking().Where(c => c.Id == commentId && c.CampaignId == campaign.Id).Select(c => c.State).FirstOrDefaultAsync(cancellationToken);
        if (current is null or CommentState.Pending)
        {
            return new ModerationOutcome(ModerationResult.NoSuchComment, t["This campaign has no such comment."]);
        }

        var trimmed = (reason ?? "").Trim();
        if (decision.NeedsReason && trimmed.Length == 0)
        {
            return new ModerationOutcome(ModerationResult.ReasonProblem, t["Give a reason: it is kept in the audit log."]);
        }

        if (trimmed.Length > Comment.ReasonMaxLength)
        {
            return new ModerationOutcome(ModerationResult.ReasonProblem, t["The reason must be 500 characters or fewer."]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var staffId = AuditLog.StaffIdOf(moderator);
        var kept = decision.NeedsReason ? trimmed : null;
        var (from, to) = (decision.From, decision.To);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.Comments.Where(c => c.Id == commentId && c.CampaignId == campaign.Id && from.Contains(c.State)).ExecuteUpdateAsync(c =>
        {
            c.SetProperty(x => x.State, to).SetProperty(x => x.ModeratedAt, now).SetProperty(x => x.ModeratedBy, staffId).SetProperty(x => x.ModerationReason, kept);
            if (to == CommentState.Published)
            {
                // The date the page shows is when a comment first appeared: a restored one keeps its place.
                c.SetProperty(x => x.PublishedAt, x => x.PublishedAt ?? now);
            }
        }, cancellationToken);
        if (moved == 0)
        {
            return new ModerationOutcome(ModerationResult.Changed, t["This comment changed while you were deciding (another moderator, perhaps). Here is where it stands now."]);
        }

        db.Record(moderator, decision.AuditAction, campaign.Id, now, kept is null
            ? string.Create(CultureInfo.InvariantCulture, $"Comment {commentId}")
            : string.Create(CultureInfo.InvariantCulture, $"Comment {commentId}: {kept}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        campaigns.Forget(campaign.Slug);
        return new ModerationOutcome(ModerationResult.Done, to == CommentState.Hidden ? t["The comment is hidden."] : t["The comment is published."]);
    }
}
