using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Campaigns;

/// <summary>
/// Shares a public campaign on Mastodon, which has no address of its own to share to: the share panel asks for
/// the person's server, and this page sends their browser to a new post there, with the campaign's line and
/// address. The site never contacts the server itself.
/// </summary>
public sealed class ShareOnMastodonModel(CountersignDb db, CampaignCache campaigns, IOptions<SiteOptions> site, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>The person's server, as typed; absent when the page is opened to show its form.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Server { get; set; }

    /// <summary>Whether the person shares after signing (see <see cref="ShareLinks.AfterSigning"/>).</summary>
    [BindProperty(SupportsGet = true)]
    public bool AfterSigning { get; set; }

    public ShareLinks Share { get; private set; } = null!;

    /// <summary>The new post on the person's server, once they named one.</summary>
    public string? Destination { get; private set; }

    public string? ServerProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return NotFound();
        }

        Share = ShareLinks.For(cached.Campaign, AfterSigning, site.Value, t);
        if (!Request.Query.ContainsKey(nameof(Server)))
        {
            return Page();
        }

        if (MastodonServer.Parse(Server) is not { } server)
        {
            ServerProblem = t["Type the name of your Mastodon server alone, like mastodon.social: no path, port or IP address."];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        Server = server.Host;
        Destination = Share.OnMastodon(server);
        return Page();
    }
}
