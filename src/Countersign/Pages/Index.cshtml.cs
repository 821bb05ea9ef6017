using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages;

public sealed class IndexModel(CountersignDb db) : PageModel
{
    public IReadOnlyList<Campaign> Campaigns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => c.State == CampaignState.Open)
            .OrderByDescending(c => c.SignatureCount)
            .ThenBy(c => c.Title)
            .ToListAsync(cancellationToken);
    }
}
