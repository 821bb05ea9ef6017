using System.Globalization;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Campaigns;

/// <summary>
/// A public campaign's embed (see <see cref="Embed"/>): its title, count and goal, and a button that opens its page in a
/// new tab, for partners' sites to frame. No form, no cookie, no personal data: anyone may frame it and keep it a minute.
/// </summary>
public sealed class EmbedModel(CountersignDb db, CampaignCache campaigns) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;

    /// <summary>An open campaign asks for signatures; a closed one still shows its count and links to its page.</summary>
    public bool TakesSignatures => Campaign.TakesSignatures(throughSponsorLink: false);

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicWithCurrentCountAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return NotFound();
        }

        Campaign = cached.Campaign;
        SecurityHeaders.AllowFramingAnywhere(HttpContext);
        Response.Headers.CacheControl = string.Create(CultureInfo.InvariantCulture, $"public, max-age={Embed.CacheSeconds}");

        // The same address answers in each language it is asked in (?lang=, the reader's language cookie, or the
        // browser's): shared caches keep them apart.
        Response.Headers.Vary = "Accept-Language, Cookie";
        return Page();
    }
}
