namespace Countersign.Hosting;

/// <summary>
/// Read-only CORS for the JSON twins of public pages: any site's scripts may read them (<c>Access-Control-Allow-Origin: *</c>),
/// as they could read the pages themselves through a server. Nothing more: no credentials (a <c>*</c> answer is never
/// read with cookies), no other method, no preflight, and no other route says anything to other origins.
/// </summary>
public static class ReadableAnywhere
{
    public static RouteHandlerBuilder ReadableFromAnySite(this RouteHandlerBuilder endpoint) =>
        endpoint.AddEndpointFilter(async (context, next) =>
        {
            var method = context.HttpContext.Request.Method;
            if (HttpMethods.IsGet(method) || HttpMethods.IsHead(method))
            {
                context.HttpContext.Response.Headers.AccessControlAllowOrigin = "*";
            }

            return await next(context);
        });
}
