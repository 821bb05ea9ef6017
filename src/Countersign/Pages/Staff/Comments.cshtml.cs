using System.Globalization;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// A campaign's comments for the people who answer for them: those waiting for a moderator, then
/// the recent ones, shown or hidden. Moderators and admins publish, hide and restore; a hide or a
/// restore needs a reason, and every decision goes to the audit log. The campaign's organisers
/// read the list (what their supporters say is theirs to know) but do not decide: a campaign
/// hiding criticism of itself is what independent moderation is there to prevent.
/// </summary>
[CampaignRole(StaffRoles.Organiser, Moderators = true)]
public sealed class CommentsModel(CountersignDb db, CampaignKeys campaignKeys, CampaignCache campaigns, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>Decided comments listed under the waiting ones, the most recently shown or decided first.</summary>
    public const int RecentShown = 100;

    /// <summary>A comment as staff see it: everything but the email address, which nobody needs to read.</summary>
    public sealed record Row(long Id, string Name, string Text, string State, string? HeldBecause, DateTime? ConfirmedAt, DateTime? PublishedAt,
        DateTime? ModeratedAt, string? ModeratedBy, string? ModerationReason);

    public Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<Row> Waiting { get; private set; } = [];
    public IReadOnlyList<Row> Recent { get; private set; } = [];

    /// <summary>Whether this member of staff may decide, or only read.</summary>
    public bool CanDecide => HttpContext.Items[CampaignRoleFilter.RoleItem] is StaffRoles.Admin or StaffRoles.Moderator;

    /// <summary>The reason typed for a hide or a restore.</summary>
    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The comment whose form came back with a problem, so its reason is shown again there.</summary>
    public long? FailedCommentId { get; private set; }

    public string? Refusal { get; private set; }

    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostPublishAsync(int id, long commentId, CancellationToken cancellationToken) =>
        DecideAsync(id, commentId, [CommentState.Waiting], CommentState.Published, AuditAction.CommentPublished, needsReason: false, cancellationToken);

    public Task<IActionResult> OnPostHideAsync(int id, long commentId, CancellationToken cancellationToken) =>
        DecideAsync(id, commentId, [CommentState.Waiting, CommentState.Published], CommentState.Hidden, AuditAction.CommentHidden, needsReason: true, cancellationToken);

    public Task<IActionResult> OnPostRestoreAsync(int id, long commentId, CancellationToken cancellationToken) =>
        DecideAsync(id, commentId, [CommentState.Hidden], CommentState.Published, AuditAction.CommentRestored, needsReason: true, cancellationToken);

    /// <summary>
    /// Moves one comment from one of <paramref name="from"/> to <paramref name="to"/>. The move is a
    /// conditional update, so two moderators deciding the same comment at once cannot both succeed,
    /// and it commits with its audit entry (the comment's number and the reason, never its author).
    /// </summary>
    private async Task<IActionResult> DecideAsync(int id, long commentId, string[] from, string to, string action, bool needsReason, CancellationToken cancellationToken)
    {
        if (!CanDecide)
        {
            return Forbid();
        }

        // Only the campaign: the list is read (and decrypted) just when the page is shown again.
        if (!await LoadCampaignAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var current = await db.Comments.AsNoTracking().Where(c => c.Id == commentId && c.CampaignId == id).Select(c => c.State).FirstOrDefaultAsync(cancellationToken);
        if (current is null or CommentState.Pending)
        {
            return await RefusedAsync(StatusCodes.Status404NotFound, t["This campaign has no such comment."], cancellationToken);
        }

        ModelState.Clear();
        var reason = (Reason ?? "").Trim();
        if (needsReason && reason.Length == 0)
        {
            ModelState.AddModelError(nameof(Reason), t["Give a reason: it is kept in the audit log."]);
        }
        else if (reason.Length > Comment.ReasonMaxLength)
        {
            ModelState.AddModelError(nameof(Reason), t["The reason must be 500 characters or fewer."]);
        }

        if (!ModelState.IsValid)
        {
            FailedCommentId = commentId;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            await ListCommentsAsync(id, cancellationToken);
            return Page();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var staffId = AuditLog.StaffIdOf(User);
        var kept = needsReason ? reason : null;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.Comments.Where(c => c.Id == commentId && c.CampaignId == id && from.Contains(c.State)).ExecuteUpdateAsync(c =>
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
            return await RefusedAsync(StatusCodes.Status409Conflict, t["This comment changed while you were deciding (another moderator, perhaps). Here is where it stands now."], cancellationToken);
        }

        db.Record(User, action, id, now, kept is null
            ? string.Create(CultureInfo.InvariantCulture, $"Comment {commentId}")
            : string.Create(CultureInfo.InvariantCulture, $"Comment {commentId}: {kept}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        campaigns.Forget(Campaign.Slug);
        Done = to == CommentState.Hidden ? t["The comment is hidden."] : t["The comment is published."];
        return Redirect($"/staff/campaigns/{id}/comments");
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadCampaignAsync(id, cancellationToken))
        {
            return false;
        }

        await ListCommentsAsync(id, cancellationToken);
        return true;
    }

    private async Task<bool> LoadCampaignAsync(int id, CancellationToken cancellationToken)
    {
        if (await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken) is not { } campaign)
        {
            return false;
        }

        Campaign = campaign;
        return true;
    }

    private async Task ListCommentsAsync(int id, CancellationToken cancellationToken)
    {
        var waiting = await db.Comments.AsNoTracking().Where(c => c.CampaignId == id && c.State == CommentState.Waiting)
            .OrderBy(c => c.ConfirmedAt).ThenBy(c => c.Id).ToListAsync(cancellationToken);
        var recent = await db.Comments.AsNoTracking().Where(c => c.CampaignId == id && (c.State == CommentState.Published || c.State == CommentState.Hidden))
            .OrderByDescending(c => c.ModeratedAt ?? c.PublishedAt).ThenByDescending(c => c.Id).Take(RecentShown).ToListAsync(cancellationToken);
        if (waiting.Count + recent.Count == 0)
        {
            return;
        }

        var moderatorIds = waiting.Concat(recent).Where(c => c.ModeratedBy != null).Select(c => c.ModeratedBy!.Value).Distinct().ToList();
        var moderators = await db.StaffUsers.AsNoTracking().Where(u => moderatorIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        var cipher = await campaignKeys.ForCampaignAsync(id, cancellationToken);
        Row ToRow(Comment c) => new(c.Id, cipher.DecryptString(c.NameCiphertext), cipher.DecryptString(c.TextCiphertext), c.State, c.HeldBecause, c.ConfirmedAt, c.PublishedAt,
            c.ModeratedAt, c.ModeratedBy is { } by ? moderators.GetValueOrDefault(by) : null, c.ModerationReason);
        Waiting = waiting.Select(ToRow).ToList();
        Recent = recent.Select(ToRow).ToList();
    }

    private async Task<PageResult> RefusedAsync(int status, string message, CancellationToken cancellationToken)
    {
        Refusal = message;
        Response.StatusCode = status;
        await ListCommentsAsync(Campaign.Id, cancellationToken);
        return Page();
    }
}
