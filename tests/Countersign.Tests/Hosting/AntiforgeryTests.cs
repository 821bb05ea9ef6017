using System.Net;
using System.Text.RegularExpressions;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Hosting;

/// <summary>
/// Every route that changes something refuses a request without an antiforgery token. The routes
/// come from the app's own endpoint list, so a new form is checked the day it is added.
/// </summary>
public sealed partial class AntiforgeryTests
{
    private static readonly string[] StateChangingMethods = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    /// <summary>
    /// Routes that take a POST but change nothing, each with the reason. The error page answers
    /// requests re-executed with their original method, so a failed POST still gets a page.
    /// </summary>
    private static readonly Dictionary<string, string> ChangeNothing = new()
    {
        ["error/{code:int?}"] = "shows the error page of a request that failed",
    };

    /// <summary>
    /// Routes that change something without an antiforgery token on purpose, each with the reason
    /// it is safe. The unsubscribe tests check they still refuse a request without their own secret.
    /// </summary>
    private static readonly Dictionary<string, string> TokenInTheAddress = new()
    {
        ["u/{token}"] = "one-click unsubscribe (RFC 8058): mail clients POST without cookies or tokens; the sealed token in the address is the secret",
    };

    [Fact]
    public async Task Should_refuse_every_state_changing_route_without_an_antiforgery_token()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite);
        var campaign = await site.AddCampaignAsync();
        // Signed in, so staff routes answer for their antiforgery check and not with a redirect to the login page.
        var browser = await site.Staff.SignedInAsync("admin@example.org", StaffRoles.Admin);

        var routes = await StateChangingRoutesAsync(site.Services);
        Assert.Contains((HttpMethods.Post, "c/{slug}"), routes);
        Assert.Contains((HttpMethods.Post, "confirm/{token}"), routes);
        Assert.Contains((HttpMethods.Post, "staff/login"), routes);
        Assert.All(ChangeNothing.Keys.Concat(TokenInTheAddress.Keys), template => Assert.Contains(routes, route => route.Template == template));

        var values = new Dictionary<string, string>
        {
            ["slug"] = campaign.Slug,
            ["token"] = new string('A', 43),
            ["id"] = campaign.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["update"] = "new",
        };
        foreach (var (method, template) in routes.Where(route => !ChangeNothing.ContainsKey(route.Template) && !TokenInTheAddress.ContainsKey(route.Template)))
        {
            var path = "/" + RouteParameter().Replace(template, match => values.GetValueOrDefault(match.Groups["name"].Value, "x"));
            using var request = new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new FormUrlEncodedContent([new("Input.Name", "No Token"), new("Email", "admin@example.org")]),
            };
            var response = await browser.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} answered {(int)response.StatusCode} without an antiforgery token");
        }

        Assert.Equal(0, await site.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.CountAsync(db.Signatures)));
    }

    /// <summary>Razor Pages with a POST (or PUT, PATCH, DELETE) handler, and other endpoints mapped to those methods.</summary>
    private static async Task<List<(string Method, string Template)>> StateChangingRoutesAsync(IServiceProvider services)
    {
        var routes = (await PageRoutes.AllAsync(services))
            .SelectMany(page => page.Handlers.Select(handler => handler.Method).Where(StateChangingMethods.Contains).Distinct().Select(method => (method, page.Template)))
            .ToList();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is null && endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is { } methods)
            {
                routes.AddRange(methods.HttpMethods.Where(StateChangingMethods.Contains).Select(method => (method, endpoint.RoutePattern.RawText ?? "")));
            }
        }

        return routes.Distinct().ToList();
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)(:[^}?]*)?\??\}")]
    private static partial Regex RouteParameter();
}
