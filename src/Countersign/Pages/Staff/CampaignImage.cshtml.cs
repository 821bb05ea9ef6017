using Countersign.Campaigns;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// The campaign's header image as its organisers keep it: they upload one (re-encoded, its metadata dropped), say
/// what it shows, and remove it. The rules live in <see cref="CampaignImages"/>.
/// </summary>
[CampaignRole(StaffRoles.Organiser)]
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
public sealed class CampaignImageModel(CampaignImages images, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>
    /// Twice the largest file taken, so that a file somewhat too large is answered on this page, by its field, rather
    /// than by the error page for oversized requests.
    /// </summary>
    public const int MaxRequestBytes = 2 * HeaderImageEncoder.MaxBytes;

    public Campaign Campaign { get; private set; } = null!;

    [BindProperty]
    public CampaignImageInput Input { get; set; } = new();

    /// <summary>Why the campaign's page cannot change now, for the whole page.</summary>
    public string? Refusal { get; private set; }

    [TempData]
    public string? Done { get; set; }

    /// <summary>Whether the form sent was the description's, whose problems and words show with it rather than with the upload's.</summary>
    public bool Describing { get; private set; }

    /// <summary>The description form's words: as sent when it was refused, otherwise the image's.</summary>
    public string? DescriptionShown => Describing ? Input.Alt : Campaign.Image?.Alt;

    /// <summary>The upload form's description: as sent when the upload was refused, otherwise empty.</summary>
    public string? UploadDescriptionShown => Describing ? null : Input.Alt;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken)
            ? Answer(await images.UploadAsync(Campaign, Input, User, cancellationToken), t["The header image is saved: the campaign page shows it now."])
            : NotFound();

    public async Task<IActionResult> OnPostDescribeAsync(int id, CancellationToken cancellationToken)
    {
        Describing = true;
        return await LoadAsync(id, cancellationToken)
            ? Answer(await images.DescribeAsync(Campaign, Input, User, cancellationToken), t["The description is saved."])
            : NotFound();
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken)
            ? Answer(await images.RemoveAsync(Campaign, User, cancellationToken), t["The header image is removed."])
            : NotFound();

    private IActionResult Answer(CampaignImageResult result, string done)
    {
        switch (result.Outcome)
        {
            case CampaignImageOutcome.Saved:
                Done = done;
                return RedirectToPage(new { id = Campaign.Id });
            case CampaignImageOutcome.Invalid:
                ModelState.Clear();
                foreach (var (field, problem) in result.Problems)
                {
                    ModelState.AddModelError($"{nameof(Input)}.{field}", t[problem]);
                }

                return Answered(StatusCodes.Status422UnprocessableEntity);
            case CampaignImageOutcome.NoImage:
                Refusal = t["This campaign has no header image now: someone may have removed it. Upload one below."];
                return Answered(StatusCodes.Status409Conflict);
            case CampaignImageOutcome.Conflict:
                Refusal = t["Someone changed this campaign or its header image at the same moment. Reload the page to see where it stands."];
                return Answered(StatusCodes.Status409Conflict);
            default:
                Refusal = result.Refusal == MoveRefusal.WaitingForReview
                    ? t["This campaign is waiting for review. You can edit it again once a moderator has decided, or withdraw it."]
                    : t["This campaign is gathering supporting signatures: it stays as its supporters read it. You can edit it again if a moderator sends it back, or withdraw it."];
                return Answered(StatusCodes.Status409Conflict);
        }
    }

    private PageResult Answered(int status)
    {
        Response.StatusCode = status;
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        if (await images.FindAsync(id, cancellationToken) is not { } campaign)
        {
            return false;
        }

        Campaign = campaign;
        return true;
    }
}
