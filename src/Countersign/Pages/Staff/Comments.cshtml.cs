using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>
/// A campaign's comments for the people who answer for them: those waiting for a moderator, then
/// the recent ones, shown or hidden. Moderators and admins publish, hide and restore; a hide or a
/// restore needs a reason, and every decision goes to the audit log. The campaign's organisers
/// read the list (what their supporters say is theirs to know) but do not decide: a campaign
/// hiding criticism of itself is what independent moderation is there to prevent.
/// </summary>
[CampaignRole(StaffRoles.Organiser, Moderators = true)]
public sealed class CommentsModel(CountersignDb db, CampaignKeys campaignKeys, CommentModeration moderation) : PageModel
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
        DecideAsync(id, commentId, CommentDecision.Publish, cancellationToken);

    public Task<IActionResult> OnPostHideAsync(int id, long commentId, CancellationToken cancellationToken) =>
        DecideAsync(id, commentId, CommentDecision.Hide, cancellationToken);

    public Task<IActionResult> OnPostRestoreAsync(int id, long commentId, CancellationToken cancellationToken) =>
        DecideAsync(id, commentId, CommentDecision.Restore, cancellationToken);

    /// <summary>Hands the decision to <see cref="CommentModeration"/>, then shows where the comments stand.</summary>
    private async Task<IActionResult> DecideAsync(int id, long commentId, CommentDecision decision, CancellationToken cancellationToken)
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

        ModelState.Clear();
        var outcome = await moderation.DecideAsync(Campaign, commentId, decision, Reason, User, cancellationToken);
        switch (outcome.Result)
        {
            case ModerationResult.NoSuchComment:
                return await RefusedAsync(StatusCodes.Status404NotFound, outcome.Message, cancellationToken);
            case ModerationResult.Changed:
                return await RefusedAsync(StatusCodes.Status409Conflict, outcome.Message, cancellationToken);
            case ModerationResult.ReasonProblem:
                ModelState.AddModelError(nameof(Reason), outcome.Message);
                FailedCommentId = commentId;
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                await ListCommentsAsync(id, cancellationToken);
                return Page();
        }

        Done = outcome.Message;
        return RedirectToPage("/Staff/Comments", new { id });
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
