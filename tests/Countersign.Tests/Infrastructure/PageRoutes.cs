using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc.RazorPages.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Infrastructure;

/// <summary>A Razor Page's route and its handlers, as the running app knows them.</summary>
/// <param name="Handlers">Each handler's method (upper case) and name (null for the unnamed one).</param>
public sealed record PageRoute(string Template, Type Model, IReadOnlyList<(string Method, string? Name)> Handlers);

public static class PageRoutes
{
    /// <summary>
    /// Every page route of the app, from its own endpoint list: a page added tomorrow is in the list
    /// the day it is added, without anyone remembering to name it in a test.
    /// </summary>
    public static async Task<IReadOnlyList<PageRoute>> AllAsync(IServiceProvider services)
    {
        var pages = services.GetRequiredService<PageLoader>();
        var routes = new List<PageRoute>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.Metadata.GetMetadata<PageActionDescriptor>() is { } page)
            {
                var compiled = await pages.LoadAsync(page, endpoint.Metadata);
                var handlers = compiled.HandlerMethods.Select(handler => (handler.HttpMethod.ToUpperInvariant(), handler.Name)).Distinct().ToList();
                routes.Add(new PageRoute(endpoint.RoutePattern.RawText ?? "", compiled.ModelTypeInfo?.AsType() ?? compiled.PageTypeInfo.AsType(), handlers));
            }
        }

        return routes;
    }
}
