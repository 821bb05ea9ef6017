using Countersign.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages;

/// <summary>The home page: the public campaigns, open ones first, then victories and the others that ended, searchable.</summary>
public sealed class IndexModel(PublicCampaigns campaigns, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>The search typed (<c>?q=</c>), kept in its box.</summary>
    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Query { get; set; }

    public CampaignListing Listing { get; private set; } = new("", [], [], []);

    /// <summary>Why the search was refused, shown above its box.</summary>
    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (PublicCampaigns.IsTooLong(Query))
        {
            Problem = t["Search with fewer words: at most {0} characters.", PublicCampaigns.QueryMaxLength];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Listing = await campaigns.ListAsync(Query, cancellationToken);
        return Page();
    }
}
