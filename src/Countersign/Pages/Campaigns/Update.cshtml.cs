using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Campaigns;

/// <summary>One published update, at the address its emails link to.</summary>
public sealed class UpdateModel(CountersignDb db, CampaignCache campaigns) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public PublishedUpdate Update { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, int id, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        var update = cached?.Updates.FirstOrDefault(u => u.Id == id);
        if (cached is null || update is null)
        {
            return NotFound();
        }

        Campaign = cached.Campaign;
        Update = update;
        return Page();
    }
}
