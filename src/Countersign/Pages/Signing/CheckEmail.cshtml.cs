using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Signing;

public sealed class CheckEmailModel(CountersignDb db) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;

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
