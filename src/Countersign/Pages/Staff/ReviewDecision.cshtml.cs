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
/// One item of the review queue: what changed since the campaign's last review, and the decision,
/// which <see cref="CampaignLifecycle.DecideAsync"/> takes once however many moderators press at the same moment.
/// </summary>
[Authorize(Policy = StaffPolicies.Moderate)]
public sealed class ReviewDecisionModel(CampaignLifecycle lifecycle, CountersignDb db, MarkdownRenderer markdown, IStringLocalizer<SharedResource> t) : PageModel
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

    public Task<IActionResult> OnPostApproveAsync(long id, CancellationToken cancellationToken) => DecideAsync(id, ReviewDecision.Approved, cancellationToken);

    public Task<IActionResult> OnPostRejectAsync(long id, CancellationToken cancellationToken) => DecideAsync(id, ReviewDecision.Rejected, cancellationToken);

    private async Task<IActionResult> DecideAsync(long id, string decision, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var result = await lifecycle.DecideAsync(new ReviewedCampaign(Review, Campaign), decision, Reason, User, cancellationToken);
        switch (result.Outcome)
        {
            case MoveOutcome.Moved:
                Done = decision == ReviewDecision.Approved
                    ? (Review.Kind == ReviewKind.Launch ? t["Approved: the campaign is open for signatures."] : t["Approved: the campaign page shows the change."])
                    : t["Rejected: the organisers will see your reason."];
                return RedirectToPage("/Staff/Reviews");
            case MoveOutcome.Invalid:
                ModelState.Clear();
                foreach (var problem in result.Problems.Values)
                {
                    ModelState.AddModelError(nameof(Reason), t[problem]);
                }

                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            case MoveOutcome.Conflict:
                return Refused(t["The campaign's status changed while you were deciding. Reload the page to see where it stands."]);
            default:
                return Refused(result.Refusal == MoveRefusal.AlreadyDecided
                    ? t["This has been decided already, perhaps by another moderator a moment ago."]
                    : t["The campaign is no longer waiting for review: its organisers have withdrawn it."]);
        }
    }

    private async Task<bool> LoadAsync(long id, CancellationToken cancellationToken)
    {
        if (await lifecycle.FindReviewAsync(id, cancellationToken) is not (var review, var campaign))
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
