using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Campaigns;

/// <summary>A public campaign's signatures in figures: by day, over time and by country, drawn on the server without scripts.</summary>
public sealed class FiguresModel(CountersignDb db, CampaignCache campaigns, CampaignFigures figures) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public Figures Figures { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return NotFound();
        }

        Campaign = cached.Campaign;
        Figures = await figures.ReadAsync(Campaign, cancellationToken);
        return Page();
    }
}
