using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages;

/// <summary>The friendly page behind every error status, with the status code kept for clients.</summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public int Code { get; private set; }

    // Parameterless handlers: binding a parameter could read the very form body that caused the error.
    public IActionResult OnGet() => Show();

    // Errors raised while posting a form are re-executed as POST; answer them the same way.
    public IActionResult OnPost() => Show();

    public string Heading(IStringLocalizer t) => Code switch
    {
        StatusCodes.Status404NotFound => t["Page not found"],
        StatusCodes.Status400BadRequest => t["We could not understand that request"],
        StatusCodes.Status413PayloadTooLarge => t["That was too much data"],
        StatusCodes.Status405MethodNotAllowed => t["That action is not possible here"],
        StatusCodes.Status403Forbidden => t["Your account cannot do this"],
        StatusCodes.Status429TooManyRequests => t["Too many requests from your connection"],
        >= 400 and < 500 => t["We could not accept that request"],
        _ => t["Something went wrong on our side"],
    };

    public string Explanation(IStringLocalizer t) => Code switch
    {
        StatusCodes.Status404NotFound => t["There is nothing at this address. The campaign may have moved, or the link may be incomplete."],
        StatusCodes.Status400BadRequest => t["The form may have expired, been sent incomplete or carried too much (a file over its size limit). Go back, reload the page and try again."],
        StatusCodes.Status413PayloadTooLarge => t["The form sent more data than any of our forms needs. Go back and shorten what you typed."],
        StatusCodes.Status429TooManyRequests => t["Wait a minute, then go back and try again. Nothing you typed has been sent."],
        StatusCodes.Status403Forbidden => t["This page or action belongs to another role, such as moderator, or to another campaign's organisers. Ask an admin if you need it."],
        >= 400 and < 500 => t["Go back and try again. If it keeps happening, the link you followed may be wrong."],
        _ => t["Nothing you sent was lost. Please try again in a few minutes."],
    };

    private PageResult Show()
    {
        var exception = HttpContext.Features.Get<IExceptionHandlerFeature>();
        Code = int.TryParse(RouteData.Values["code"]?.ToString(), out var code) ? code
            : exception is null ? StatusCodes.Status404NotFound : Response.StatusCode;
        if (Code < 400 || Code > 599)
        {
            Code = StatusCodes.Status404NotFound;
        }

        Response.StatusCode = Code;
        return Page();
    }
}
