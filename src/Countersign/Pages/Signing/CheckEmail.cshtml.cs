using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Signing;

public sealed class CheckEmailModel(CountersignDb db, CampaignCache campaigns) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;

    /// <summary>Where "back to the campaign" leads: its sponsor link while it is not public yet.</summary>
    public string CampaignPath => Url.Page("/Campaigns/Show", new { slug = Campaign.Slug, sponsorToken = Campaign.IsPublic ? "" : Campaign.SponsorToken })!;

    public async Task<IActionResult> OnGetAsync(string slug, string? sponsorToken, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindForSignerAsync(db, slug, sponsorToken, cancellationToken);
        if (cached is null)
        {
            return NotFound();
        }

        if (sponsorToken is not null && cached.Campaign.IsPublic)
        {
            return RedirectToPage(new { slug = cached.Campaign.Slug, sponsorToken = "" });
        }

        Campaign = cached.Campaign;
        return Page();
    }
}
