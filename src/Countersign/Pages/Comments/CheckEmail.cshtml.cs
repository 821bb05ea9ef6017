using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Comments;

/// <summary>Where a posted comment leads: whatever happened to it, the same words, so a script learns nothing.</summary>
public sealed class CheckEmailModel(CountersignDb db, CampaignCache campaigns) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return NotFound();
        }

        Campaign = cached.Campaign;
        return Page();
    }
}
