using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Signing;

/// <summary>The thank-you page with its share kit; for a supporter of a campaign not public yet, where it stands.</summary>
public sealed class ThanksModel(
    CountersignDb db,
    CampaignCache campaigns,
    IOptions<SiteOptions> site,
    IOptions<CampaignOptions> campaignOptions,
    IStringLocalizer<SharedResource> t) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;

    /// <summary>The share kit, in the words of someone who signed.</summary>
    public ShareLinks Share => ShareLinks.For(Campaign, afterSigning: true, site.Value, t);

    public int SponsorsNeeded => campaignOptions.Value.SponsorSignatures;

    /// <summary>False, from the confirmation, when the signature waits for a moderator's check before it counts.</summary>
    [BindProperty(SupportsGet = true)]
    public bool Counted { get; set; } = true;

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

        Campaign = await CampaignCache.WithCurrentCountAsync(db, cached.Campaign, cancellationToken);
        return Page();
    }
}
