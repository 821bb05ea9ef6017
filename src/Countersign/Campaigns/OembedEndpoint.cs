using System.Globalization;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.Extensions.Options;

namespace Countersign.Campaigns;

/// <summary>
/// oEmbed (oembed.com) for public campaign pages, at <c>/oembed?url={campaign page}&amp;format=json</c>: a blog or a
/// chat app that is given a campaign's address asks here for its embed (see <see cref="Embed"/>) and shows the count
/// and sign button rather than a bare link. Campaign pages name this address in their head (oEmbed discovery).
/// </summary>
/// <remarks>
/// The address asked about is parsed strictly: our own site's scheme, host and port, and a path that is exactly a campaign
/// page's, <c>/c/{slug}</c> (a query, such as a share link's <c>?via=</c>, is ignored). Anything else is answered 404, as
/// the specification asks, so the endpoint tells nothing about other sites or other pages. JSON only: XML gets 501.
/// </remarks>
public static class OembedEndpoint
{
    public const string RouteName = "Oembed";

    public const string Json = "json";

    public static IEndpointRouteBuilder MapOembed(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/oembed", GetAsync).WithName(RouteName);
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string? url, string? format, string? maxwidth, string? maxheight,
        CountersignDb db, CampaignCache campaigns, IOptions<SiteOptions> site, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return Problem(StatusCodes.Status400BadRequest, "Give the address of a campaign page: /oembed?url=https://…/c/campaign-name&format=json.");
        }

        if (format is not null && format != Json)
        {
            return Problem(StatusCodes.Status501NotImplemented, "Only format=json is offered.");
        }

        if (!TryReadSize(maxwidth, out var widthLimit) || !TryReadSize(maxheight, out var heightLimit))
        {
            return Problem(StatusCodes.Status400BadRequest, "maxwidth and maxheight, when given, are whole numbers of pixels above zero.");
        }

        var slug = CampaignSlug(url, site.Value);
        var cached = slug is null ? null : await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return Problem(StatusCodes.Status404NotFound, "This address is not one of this site's public campaign pages.");
        }

        var campaign = cached.Campaign;
        var width = Math.Min(Embed.DefaultWidth, widthLimit);
        var height = Math.Min(Embed.DefaultHeight, heightLimit);
        return Results.Json(new OembedDocument(
            Version: "1.0",
            Type: "rich",
            Title: campaign.Title,
            ProviderName: site.Value.Name,
            ProviderUrl: site.Value.Link(""),
            CacheAge: Embed.CacheSeconds,
            Html: Embed.Snippet(site.Value, campaign, width, height),
            Width: width,
            Height: height), JsonDefaults.Options);
    }

    /// <summary>The slug when <paramref name="url"/> is a campaign page of this site (its query and fragment aside), otherwise null.</summary>
    public static string? CampaignSlug(string url, SiteOptions site)
    {
        if (url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var asked) || asked.UserInfo.Length > 0)
        {
            return null;
        }

        // GetLeftPart writes scheme and host in lower case and the default port away, the same way for both addresses.
        var campaignPages = new Uri(site.Link("c/")).GetLeftPart(UriPartial.Path);
        var page = asked.GetLeftPart(UriPartial.Path);
        if (!page.StartsWith(campaignPages, StringComparison.Ordinal))
        {
            return null;
        }

        var slug = page[campaignPages.Length..];
        return slug.Length is > 0 and <= Campaign.SlugMaxLength && slug.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-') ? slug : null;
    }

    /// <summary>An optional size limit: absent is no limit; otherwise a whole number above zero.</summary>
    private static bool TryReadSize(string? value, out int limit)
    {
        limit = int.MaxValue;
        return value is null || (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit > 0);
    }

    private static IResult Problem(int status, string title) => Results.Problem(statusCode: status, title: title);

    /// <summary>An oEmbed 1.0 answer of type rich (its names are the specification's, in snake_case).</summary>
    /// <param name="CacheAge">Seconds a consumer may keep the answer.</param>
    public sealed record OembedDocument(string Version, string Type, string Title, string ProviderName, string ProviderUrl, int CacheAge, string Html, int Width, int Height);
}
