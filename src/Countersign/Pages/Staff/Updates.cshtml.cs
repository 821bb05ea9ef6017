using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Updates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>A campaign's updates to its signers: drafts, published ones, and how the emailed ones are going.</summary>
[CampaignRole(StaffRoles.Organiser)]
public sealed class UpdatesModel(CountersignDb db) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<CampaignUpdate> Updates { get; private set; } = [];
    public IReadOnlyDictionary<int, UpdateProgress> Progress { get; private set; } = new Dictionary<int, UpdateProgress>();

    [TempData]
    public string? Done { get; set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return NotFound();
        }

        Campaign = campaign;
        Updates = await db.CampaignUpdates.AsNoTracking().Where(u => u.CampaignId == id)
            .OrderByDescending(u => u.CreatedAt).ThenByDescending(u => u.Id).ToListAsync(cancellationToken);
        Progress = await UpdateDeliveries.ProgressAsync(db, Updates.Where(u => u.SentAt != null).Select(u => u.Id).ToList(), cancellationToken);
        return Page();
    }
}
