using System.Globalization;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Letters;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>
/// The organisations co-signing a campaign's open letter, for its organisers (and moderators and admins): those whose
/// contact confirmed their address wait here for a decision; approved ones are on the public letter; rejected and
/// withdrawn ones stay listed for the record. Each shows its contact, which only staff ever see. Moderators and admins
/// may decide too, as they may on any campaign; <see cref="CoSignatureDecisions"/> makes the decisions.
/// </summary>
[CampaignRole(StaffRoles.Organiser, Moderators = true)]
public sealed class SignatoriesModel(CountersignDb db, CoSignatureDecisions decisions, TimeProvider clock) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;

    public IReadOnlyList<StaffCoSignature> Waiting { get; private set; } = [];
    public IReadOnlyList<StaffCoSignature> Published { get; private set; } = [];
    public IReadOnlyList<StaffCoSignature> Rejected { get; private set; } = [];
    public IReadOnlyList<StaffCoSignature> Withdrawn { get; private set; } = [];

    /// <summary>Co-signatures whose contact has not confirmed their address yet: counted, not shown, as nobody has checked them.</summary>
    public int Unconfirmed { get; private set; }

    /// <summary>The reason typed for a rejection.</summary>
    [BindProperty]
    public string? Reason { get; set; }

    /// <summary>The co-signature whose form came back with a problem, so its reason is shown again there.</summary>
    public long? FailedId { get; private set; }

    public string? Refusal { get; private set; }

    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadCampaignAsync(id, cancellationToken))
        {
            return NotFound();
        }

        await ListAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostApproveAsync(int id, long coSignatureId, CancellationToken cancellationToken) =>
        await LoadCampaignAsync(id, cancellationToken)
            ? await AnswerAsync(coSignatureId, await decisions.ApproveAsync(Campaign, coSignatureId, User, cancellationToken), cancellationToken)
            : NotFound();

    public async Task<IActionResult> OnPostRejectAsync(int id, long coSignatureId, CancellationToken cancellationToken) =>
        await LoadCampaignAsync(id, cancellationToken)
            ? await AnswerAsync(coSignatureId, await decisions.RejectAsync(Campaign, coSignatureId, Reason, User, cancellationToken), cancellationToken)
            : NotFound();

    /// <summary>
    /// The signatories as CSV, contacts included. The audit entry is written before the first byte goes out: a download
    /// cut short is still recorded, where one recorded only at the end could leave with no trace.
    /// </summary>
    public async Task<IActionResult> OnPostExportAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadCampaignAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var listed = await decisions.ListAsync(Campaign, cancellationToken);
        db.Record(User, AuditAction.CoSignaturesExported, id, clock.GetUtcNow().UtcDateTime,
            string.Create(CultureInfo.InvariantCulture, $"{listed.Confirmed.Count} organisations"));
        await db.SaveChangesAsync(cancellationToken);

        return new StreamedDownload("text/csv; charset=utf-8", $"{Campaign.Slug}-signatories.csv",
            (output, aborted) => SignatoriesCsv.WriteAsync(output, listed.Confirmed, aborted));
    }

    /// <summary>Back to the list once decided; otherwise the page again with why not, the refused form keeping its reason.</summary>
    private async Task<IActionResult> AnswerAsync(long coSignatureId, CoSignatureDecisionOutcome outcome, CancellationToken cancellationToken)
    {
        ModelState.Clear();
        switch (outcome.Result)
        {
            case CoSignatureDecisionResult.Done:
                Done = outcome.Message;
                return RedirectToPage("/Staff/Signatories", new { id = Campaign.Id });
            case CoSignatureDecisionResult.ReasonProblem:
                ModelState.AddModelError(nameof(Reason), outcome.Message);
                FailedId = coSignatureId;
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
            default:
                Refusal = outcome.Message;
                Response.StatusCode = outcome.Result == CoSignatureDecisionResult.NoSuchSignatory ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict;
                break;
        }

        await ListAsync(cancellationToken);
        return Page();
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

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var listed = await decisions.ListAsync(Campaign, cancellationToken);
        Unconfirmed = listed.Unconfirmed;
        Waiting = [.. listed.Confirmed.Where(s => s.State == CoSignatureState.Verified)];
        Published = [.. listed.Confirmed.Where(s => s.State == CoSignatureState.Approved)];
        Rejected = [.. listed.Confirmed.Where(s => s.State == CoSignatureState.Rejected)];
        Withdrawn = [.. listed.Confirmed.Where(s => s.State == CoSignatureState.Withdrawn)];
    }
}
