using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// One item of the review queue: what changed since the campaign's last review, and the decision.
/// A decision is taken once: the review row is claimed with a conditional update, so two moderators
/// deciding at the same moment cannot both succeed.
/// </summary>
[Authorize(Policy = StaffPolicies.Moderate)]
public sealed class ReviewDecisionModel(CountersignDb db, CampaignCache campaigns, MarkdownRenderer markdown, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public CampaignReview Review { get; private set; } = null!;
    public Campaign Campaign { get; private set; } = null!;
    public string? SubmittedBy { get; private set; }
    public string? DecidedBy { get; private set; }

    /// <summary>What the diff starts from: the last approved content for a change, the last decided submission for a launch.</summary>
    public bool ComparedWithEarlierReview { get; private set; }
    public IReadOnlyList<FieldDiff> Changes { get; private set; } = [];
    public string BodyHtml { get; private set; } = "";

    [BindProperty]
    public string? Reason { get; set; }

    public string? Refusal { get; private set; }

    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostApproveAsync(long id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? await DecideAsync(id, ReviewDecision.Approved, cancellationToken) : NotFound();

    public async Task<IActionResult> OnPostRejectAsync(long id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        ModelState.Clear();
        if (string.IsNullOrWhiteSpace(Reason))
        {
            ModelState.AddModelError(nameof(Reason), t["Tell the organisers what to change: they will read this reason."]);
        }
        else if (Reason.Trim().Length > CampaignState.ReasonMaxLength)
        {
            ModelState.AddModelError(nameof(Reason), t["This text is too long."]);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        return await DecideAsync(id, ReviewDecision.Rejected, cancellationToken);
    }

    private async Task<IActionResult> DecideAsync(long id, string decision, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var reason = decision == ReviewDecision.Rejected ? Reason!.Trim() : null;
        var staffId = AuditLog.StaffIdOf(User);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.CampaignReviews.Where(r => r.Id == id && r.Decision == null).ExecuteUpdateAsync(r => r
            .SetProperty(x => x.Decision, decision)
            .SetProperty(x => x.Reason, reason)
            .SetProperty(x => x.DecidedAt, now)
            .SetProperty(x => x.DecidedBy, staffId), cancellationToken);
        if (claimed == 0)
        {
            return Refused(t["This has been decided already, perhaps by another moderator a moment ago."]);
        }

        if (Review.Kind == ReviewKind.Launch)
        {
            var moveTo = decision == ReviewDecision.Approved ? CampaignState.Open : CampaignState.Rejected;
            if (!CampaignState.CanMove(Campaign.State, moveTo))
            {
                return Refused(t["The campaign is no longer waiting for review: its organisers have withdrawn it."]);
            }

            Campaign.MoveTo(moveTo, now, reason);
            db.Record(User, AuditAction.ForMoveTo(moveTo), Campaign.Id, now, reason);
        }
        else
        {
            if (decision == ReviewDecision.Approved)
            {
                Review.Submitted.ApplyAsksTo(Campaign);
            }

            db.Record(User, decision == ReviewDecision.Approved ? AuditAction.ChangeApproved : AuditAction.ChangeRejected, Campaign.Id, now, reason);
        }

        Campaign.UpdatedAt = now;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refused(t["The campaign's status changed while you were deciding. Reload the page to see where it stands."]);
        }

        await transaction.CommitAsync(cancellationToken);
        campaigns.Forget(Campaign.Slug);
        Done = decision == ReviewDecision.Approved
            ? (Review.Kind == ReviewKind.Launch ? t["Approved: the campaign is open for signatures."] : t["Approved: the campaign page shows the change."])
            : t["Rejected: the organisers will see your reason."];
        return Redirect("/staff/reviews");
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        var review = await db.CampaignReviews.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        var campaign = review is null ? null : await db.Campaigns.Include(c => c.Hosts).FirstOrDefaultAsync(c => c.Id == review.CampaignId, cancellationToken);
        if (review is null || campaign is null)
        {
            return false;
        }

        Review = review;
        Campaign = campaign;
        var earlier = await db.CampaignReviews.AsNoTracking()
            .Where(r => r.CampaignId == campaign.Id && r.Id < review.Id && r.Decision != null && r.Decision != ReviewDecision.Dropped
                && (review.Kind == ReviewKind.Launch || r.Decision == ReviewDecision.Approved))
            .OrderByDescending(r => r.Id)
            .FirstOrDefaultAsync(cancellationToken);
        ComparedWithEarlierReview = earlier is not null;
        var submitted = review.Submitted;
        Changes = submitted.DiffSince(earlier?.Submitted ?? CampaignContent.Empty);
        BodyHtml = markdown.ToHtml(submitted.Body, "review", review.Id);
        var staffIds = new[] { review.SubmittedBy, review.DecidedBy }.OfType<int>().ToList();
        var names = await db.StaffUsers.AsNoTracking().Where(u => staffIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        SubmittedBy = review.SubmittedBy is { } by ? names.GetValueOrDefault(by) : null;
        DecidedBy = review.DecidedBy is { } decider ? names.GetValueOrDefault(decider) : null;
        return true;
    }

    private PageResult Refused(string message)
    {
        Refusal = message;
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }
}
