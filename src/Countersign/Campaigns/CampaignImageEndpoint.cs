using System.Globalization;
using Microsoft.AspNetCore.Mvc;

namespace Countersign.Campaigns;

/// <summary>
/// Header images' files at <c>/images/{token}/{width}.webp</c>, and coalition partners' logos at <c>/logos/{token}.webp</c>.
/// A file never changes at its address (a new upload gets a new token), so browsers and proxies may keep it for a year
/// without asking again.
/// </summary>
public static class CampaignImageEndpoint
{
    public const string RouteName = "CampaignImageFile";
    public const string LogoRouteName = "PartnerLogoFile";

    private const string CacheControl = "public, max-age=31536000, immutable";

    public static IEndpointRouteBuilder MapCampaignImageFiles(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/images/{token}/{width:int}.webp", [HttpMethods.Get, HttpMethods.Head], GetAsync).WithName(RouteName);
        endpoints.MapMethods("/logos/{token}.webp", [HttpMethods.Get, HttpMethods.Head], GetLogoAsync).WithName(LogoRouteName);
        return endpoints;
    }

    /// <summary>The path of one width of a header image, without its leading slash, for addresses outside a request (the JSON twin).</summary>
    public static string Path(CampaignImage image, int width) => string.Create(CultureInfo.InvariantCulture, $"images/{image.Token}/{width}.webp");

    /// <summary>The address of one width of a header image, for <c>src</c> and <c>srcset</c>.</summary>
    public static string? Address(IUrlHelper url, CampaignImage image, int width) =>
        url.RouteUrl(RouteName, new { token = image.Token, width });

    /// <summary>The path of a partner's logo, without its leading slash, for the JSON twin and pages alike; null for none.</summary>
    public static string? LogoPath(CampaignHost host) => host.LogoToken is { } token ? $"logos/{token}.webp" : null;

    private static async Task<IResult> GetLogoAsync(string token, HttpContext context, CoalitionPartners partners, CancellationToken cancellationToken)
    {
        if (await partners.LogoFileAsync(token, cancellationToken) is not { } bytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No logo has this address: it may have been replaced or removed.");
        }

        context.Response.Headers.CacheControl = CacheControl;
        return Results.Bytes(bytes, HostLogo.ContentType);
    }

    private static async Task<IResult> GetAsync(string token, int width, HttpContext context, CampaignImages images, CancellationToken cancellationToken)
    {
        if (await images.FileAsync(token, width, cancellationToken) is not { } bytes)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No image has this address: it may have been replaced or removed.");
        }

        context.Response.Headers.CacheControl = CacheControl;
        return Results.Bytes(bytes, CampaignImageFile.ContentType);
    }
}
