using Countersign.Campaigns;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>The campaign's public timeline as its organisers keep it: they add what happened, with a source, and remove their own mistakes.</summary>
[CampaignRole(StaffRoles.Organiser)]
public sealed class TimelineModel(CampaignTimeline timeline, IStringLocalizer<SharedResource> t) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<TimelineEntry> Entries { get; private set; } = [];

    [BindProperty]
    public TimelineEventInput Input { get; set; } = new();

    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        ModelState.Clear();
        var problems = await timeline.AddAsync(Campaign, Input, User, cancellationToken);
        if (problems.Count > 0)
        {
            foreach (var (field, problem) in problems)
            {
                ModelState.AddModelError($"{nameof(Input)}.{field}", t[problem]);
            }

            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        Done = t["Added to the timeline."];
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, long eventId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken) || !await timeline.RemoveAsync(Campaign, eventId, User, cancellationToken))
        {
            return NotFound();
        }

        Done = t["Removed from the timeline."];
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        if (await timeline.FindAsync(id, cancellationToken) is not { } found)
        {
            return false;
        }

        (Campaign, Entries) = found;
        return true;
    }
}
