using Microsoft.AspNetCore.Mvc.Filters;

namespace Countersign.Hosting;

/// <summary>
/// <c>Cache-Control: no-store</c> for responses that may show personal data, so neither the
/// browser nor a proxy keeps them: every response of the pages it is put on, and (as a global
/// filter with <c>formsOnly</c>) every answer to a form post, which can show what was typed.
/// </summary>
public sealed class NoStore(bool formsOnly = false) : IResultFilter
{
    public void OnResultExecuting(ResultExecutingContext context)
    {
        var method = context.HttpContext.Request.Method;
        if (!formsOnly || (!HttpMethods.IsGet(method) && !HttpMethods.IsHead(method)))
        {
            // With no-cache too, as antiforgery wants of every page with a form: with no-store alone
            // it rewrote the header itself and logged a warning for each staff page shown.
            context.HttpContext.Response.Headers.CacheControl = "no-cache, no-store";
        }
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
