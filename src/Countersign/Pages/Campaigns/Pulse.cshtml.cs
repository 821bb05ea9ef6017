using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Campaigns;

/// <summary>
/// A public campaign's count and social proof, alone: the campaign page's script (pulse.js) fetches it
/// now and then and puts it in place of its own, so the figures move without a reload. Rendered by the
/// same partials as the page, in the reader's language, so the script holds no words of its own.
/// </summary>
public sealed class PulseModel(CountersignDb db, CampaignCache campaigns, CampaignPulse pulse) : PageModel
{
    /// <summary>How often the page asks, in seconds: the figures behind it are cached as long (CampaignCache.Lifetime) or longer.</summary>
    public const int RefreshSeconds = 30;

    public Campaign Campaign { get; private set; } = null!;

    public SocialProof SocialProof { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (await campaigns.FindPublicWithCurrentCountAsync(db, slug, cancellationToken) is not { } cached)
        {
            return NotFound();
        }

        // The latest signers' names: like the campaign page, kept by no cache, so an erased name is gone at once.
        Response.Headers.CacheControl = "no-cache, no-store";
        Response.Headers["X-Robots-Tag"] = "noindex";
        Campaign = cached.Campaign;
        SocialProof = await pulse.ReadAsync(Campaign, cancellationToken);
        return Page();
    }
}
