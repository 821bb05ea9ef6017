using System.Text;
using Countersign.Campaigns;
using Countersign.Signing;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;

namespace Countersign.Hosting;

/// <summary>
/// <c>/robots.txt</c> (RFC 9309): crawlers may read the public pages and find them all in the sitemap; they are asked
/// to keep out of the staff pages, the links that carry a personal token (confirming, erasing, unsubscribing, a
/// campaign's sponsor link) and the steps of signing. Each address comes from the route of the page or endpoint it
/// names, so the file follows the routes when they change.
/// </summary>
public static class Robots
{
    /// <summary>
    /// Pages crawlers are asked to leave alone, by page name, besides every address carrying a token: the staff pages
    /// (all under the address of their index) and the steps of signing and commenting.
    /// </summary>
    private static readonly string[] PrivatePages = ["/Staff/Index", "/Signing/CheckEmail", "/Signing/Thanks", "/Comments/CheckEmail"];

    /// <summary>Endpoints crawlers have no use for, by route name: proof-of-work challenges, the language switch.</summary>
    private static readonly string[] PrivateEndpoints =
    [
        ProofOfWorkEndpoint.SigningChallenge, ProofOfWorkEndpoint.SponsorSigningChallenge, ProofOfWorkEndpoint.CommentChallenge, LanguageSwitch.RouteName,
    ];

    public static IEndpointRouteBuilder MapRobots(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/robots.txt", (EndpointDataSource routes, IOptions<SiteOptions> site) =>
            Results.Text(Write(routes, site.Value), "text/plain; charset=utf-8"));
        return endpoints;
    }

    private static string Write(EndpointDataSource routes, SiteOptions site)
    {
        var paths = routes.Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => CarriesToken(endpoint.RoutePattern)
                || (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page && PrivatePages.Contains(page.ViewEnginePath))
                || (endpoint.Metadata.GetMetadata<IEndpointNameMetadata>() is { } name && PrivateEndpoints.Contains(name.EndpointName)))
            .Select(endpoint => Pattern(endpoint.RoutePattern))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        // "/staff" already keeps crawlers out of "/staff/invitation/": each rule matches every address it starts.
        var disallowed = paths.Where(path => !paths.Any(other => other != path && path.StartsWith(other, StringComparison.Ordinal))).Order(StringComparer.Ordinal);

        var text = new StringBuilder()
            .Append("# ").Append(site.Name).Append(": the campaigns are public; staff pages, personal links and the steps of signing are not for indexing.\n")
            .Append("User-agent: *\n")
            .Append("Allow: /\n");
        foreach (var path in disallowed)
        {
            text.Append("Disallow: ").Append(path).Append('\n');
        }

        return text.Append('\n').Append("Sitemap: ").Append(site.Link(Sitemap.Path)).Append('\n').ToString();
    }

    /// <summary>A personal link: its route has a secret in it (a confirmation, erasure, unsubscribe, invitation or sponsor token).</summary>
    private static bool CarriesToken(RoutePattern route) =>
        route.Parameters.Any(parameter => parameter.Name.EndsWith("token", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A route as a robots.txt path: each parameter matches any segment (<c>*</c>), and a parameter at the end any
    /// value, so <c>confirm/{token}</c> is <c>/confirm/</c> and <c>c/{slug}/thanks</c> is <c>/c/*/thanks</c>.
    /// </summary>
    private static string Pattern(RoutePattern route)
    {
        var segments = route.PathSegments.Select(segment => segment.IsSimple && segment.Parts[0] is RoutePatternLiteralPart literal ? literal.Content : "*").ToList();
        var open = segments.Count > 0 && segments[^1] == "*";
        return "/" + string.Join('/', open ? segments[..^1] : segments) + (open ? "/" : "");
    }
}
