using Countersign.Data;
using Countersign.Privacy;
using Countersign.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Staff;

/// <summary>What the retention job erased and when: counts only, never whose.</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed class RetentionModel(CountersignDb db, IOptions<RetentionOptions> options) : PageModel
{
    public const int RunsShown = 100;

    public int PendingDays => options.Value.PendingDays;
    public int EndedCampaignMonths => options.Value.EndedCampaignMonths;
    public IReadOnlyList<RetentionRun> Runs { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Runs = await db.RetentionRuns.AsNoTracking().OrderByDescending(r => r.RanAt).Take(RunsShown).ToListAsync(cancellationToken);
}
