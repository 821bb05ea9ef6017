using System.Globalization;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>The campaign's public timeline as its organisers keep it: they add what happened, with a source, and remove their own mistakes.</summary>
[CampaignRole(StaffRoles.Organiser)]
public sealed class TimelineModel(CountersignDb db, CampaignCache campaigns, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<TimelineEntry> Entries { get; private set; } = [];

    [BindProperty]
    public EventInput Input { get; set; } = new();

    [TempData]
    public string? Done { get; set; }

    public sealed class EventInput
    {
        public string? Kind { get; set; } = CampaignEventKind.TargetResponded;
        public string? Day { get; set; }
        public string? Text { get; set; }
        public string? Source { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        ModelState.Clear();
        if (!CampaignEventKind.Added.Contains(Input.Kind ?? ""))
        {
            Problem(nameof(EventInput.Kind), t["Choose what happened from the list."]);
        }

        if (!DateOnly.TryParseExact(Input.Day?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            Problem(nameof(EventInput.Day), t["Enter a date like 2027-03-31."]);
        }

        var text = Input.Text?.Trim() ?? "";
        if (text.Length == 0)
        {
            Problem(nameof(EventInput.Text), t["This field is required."]);
        }
        else if (text.Length > CampaignEvent.TextMaxLength)
        {
            Problem(nameof(EventInput.Text), t["This text is too long."]);
        }

        var source = string.IsNullOrWhiteSpace(Input.Source) ? null : Input.Source.Trim();
        if (source is not null && (source.Length > CampaignEvent.SourceMaxLength || !Uri.TryCreate(source, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")))
        {
            Problem(nameof(EventInput.Source), t["Enter the web address of the source, starting with https://."]);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.CampaignEvents.Add(new CampaignEvent { CampaignId = id, Kind = Input.Kind!, Day = day, Text = text, SourceUrl = source, CreatedAt = now });
        db.Record(User, AuditAction.TimelineEventAdded, id, now, $"{Input.Kind}: {text}");
        await db.SaveChangesAsync(cancellationToken);
        campaigns.Forget(Campaign.Slug);
        Done = t["Added to the timeline."];
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, long eventId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        // Milestones are Countersign's record of the count, not the organisers' to take back.
        var removed = await db.CampaignEvents.FirstOrDefaultAsync(e => e.Id == eventId && e.CampaignId == id && e.Milestone == null, cancellationToken);
        if (removed is null)
        {
            return NotFound();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.CampaignEvents.Remove(removed);
        db.Record(User, AuditAction.TimelineEventRemoved, id, now, $"{removed.Kind} of {removed.Day:yyyy-MM-dd}: {removed.Text}");
        await db.SaveChangesAsync(cancellationToken);
        campaigns.Forget(Campaign.Slug);
        Done = t["Removed from the timeline."];
        return RedirectToPage(new { id });
    }

    private void Problem(string field, string message) => ModelState.AddModelError($"{nameof(Input)}.{field}", message);

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return false;
        }

        Campaign = campaign;
        Entries = Timeline.Of(campaign, await db.CampaignEvents.AsNoTracking().Where(e => e.CampaignId == id).ToListAsync(cancellationToken));
        return true;
    }
}
