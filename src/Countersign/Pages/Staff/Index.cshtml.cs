using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

public sealed class IndexModel(CountersignDb db) : PageModel
{
    public IReadOnlyList<Campaign> Campaigns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Campaigns = await db.Campaigns.AsNoTracking().OrderByDescending(c => c.UpdatedAt).ToListAsync(cancellationToken);
}
