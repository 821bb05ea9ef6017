using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Letters;

/// <summary>Where a posted co-signature leads: whatever happened to it, the same words, so a script learns nothing.</summary>
public sealed class CheckEmailModel(CountersignDb db, CampaignCache campaigns) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached?.Campaign is not { HasLetter: true } campaign)
        {
            return NotFound();
        }

        Campaign = campaign;
        return Page();
    }
}
