using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Signing;

public sealed class ThanksModel(CountersignDb db, IOptions<SiteOptions> site) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public string CampaignUrl => site.Value.Link($"c/{Campaign.Slug}");

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.FindPublicAsync(slug, cancellationToken);
        if (campaign is null)
        {
            return NotFound();
        }

        Campaign = campaign;
        return Page();
    }
}
