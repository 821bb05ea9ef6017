using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Signing;

public sealed class ThanksModel(CountersignDb db, CampaignCache campaigns, IOptions<SiteOptions> site) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public string CampaignUrl => site.Value.Link($"c/{Campaign.Slug}");

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return NotFound();
        }

        Campaign = await CampaignCache.WithCurrentCountAsync(db, cached.Campaign, cancellationToken);
        return Page();
    }
}
