using System.Globalization;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Localisation;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Countersign.Campaigns;

/// <summary>
/// The images link previews show (OpenGraph's og:image): <c>/c/{slug}/preview.png</c> for a public campaign, with its
/// title, count, progress and hosts, and <c>/preview.png</c> for the site's other pages. Both may be kept by browsers
/// and proxies for five minutes, and answer 304 to a client that already holds the same image.
/// </summary>
public static class SharePreview
{
    public const string RouteName = "CampaignPreviewImage";
    public const string SiteRouteName = "SitePreviewImage";

    private const string CacheControl = "public, max-age=300";

    public static IEndpointRouteBuilder MapSharePreviews(this IEndpointRouteBuilder endpoints)
    {
        // HEAD too: some of the sites that draw previews ask for the image's type and size before fetching it.
        endpoints.MapMethods("/c/{slug}/preview.png", [HttpMethods.Get, HttpMethods.Head], GetCampaignImageAsync).WithName(RouteName);
        endpoints.MapMethods("/preview.png", [HttpMethods.Get, HttpMethods.Head], GetSiteImageAsync).WithName(SiteRouteName);
        return endpoints;
    }

    /// <summary>
    /// The words on a campaign's image, in the campaign's language when the site speaks it, otherwise in the site's
    /// first: the image is the same whoever fetches it (the sites that draw previews send no language), and a French
    /// campaign shared among French speakers says "signatures" and "objectif" in French.
    /// </summary>
    public static CampaignCard CardFor(Campaign campaign, SiteOptions site, IStringLocalizer t)
    {
        using var language = new CultureScope(CountersignApp.Languages.Contains(campaign.Language) ? campaign.Language : CountersignApp.Languages[0]);
        return new CampaignCard(
            site.Name,
            campaign.Title,
            campaign.SignatureCount.ToString("N0", CultureInfo.CurrentCulture),
            t.Plural("{0, plural, one {signature} other {signatures}}", campaign.SignatureCount).Value,
            campaign.Goal > 0 ? t["goal {0}", campaign.Goal.ToString("N0", CultureInfo.CurrentCulture)].Value : null,
            campaign.Goal > 0 ? (float)Math.Min(1, (double)campaign.SignatureCount / campaign.Goal) : null,
            campaign.Hosts.Count > 0 ? t["Hosted by: {0}", string.Join(", ", campaign.Hosts.Select(h => h.Name))].Value : null);
    }

    private static async Task<IResult> GetCampaignImageAsync(
        string slug, HttpContext context, CountersignDb db, CampaignCache campaigns, SharePreviewCache images, IOptions<SiteOptions> site,
        IStringLocalizer<SharedResource> t, CancellationToken cancellationToken)
    {
        if (await campaigns.FindPublicWithCurrentCountAsync(db, slug, cancellationToken) is not { Campaign: var campaign })
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No public campaign has this address.");
        }

        return await AnswerAsync(context, images.For(campaign.Slug, CardFor(campaign, site.Value, t)), cancellationToken);
    }

    private static Task<IResult> GetSiteImageAsync(HttpContext context, SharePreviewCache images, IOptions<SiteOptions> site, CancellationToken cancellationToken) =>
        AnswerAsync(context, images.ForSite(site.Value.Name, new Uri(site.Value.PublicUrl).Host), cancellationToken);

    /// <summary>The image, or 304 without waiting for it when the client holds the same one.</summary>
    private static async Task<IResult> AnswerAsync(HttpContext context, SharePreviewImage image, CancellationToken cancellationToken)
    {
        context.Response.Headers.CacheControl = CacheControl;
        context.Response.Headers.ETag = image.ETag;
        var held = context.Request.GetTypedHeaders().IfNoneMatch;
        if (held.Any(tag => tag.Equals(EntityTagHeaderValue.Any) || tag.Compare(new EntityTagHeaderValue(image.ETag), useStrongComparison: false)))
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }

        return Results.Bytes(await image.Png.WaitAsync(cancellationToken), "image/png");
    }
}
