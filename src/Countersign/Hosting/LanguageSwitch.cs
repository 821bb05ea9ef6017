using Microsoft.AspNetCore.Localization;

namespace Countersign.Hosting;

/// <summary><c>/language/{code}</c>: remembers the reader's language in a cookie and returns to the page.</summary>
public static class LanguageSwitch
{
    /// <summary>Host-only and Secure like the other cookies (see <see cref="CountersignApp.StaffCookie"/>).</summary>
    public const string CookieName = "__Host-countersign-language";

    public const string RouteName = "LanguageSwitch";

    public static IEndpointRouteBuilder MapLanguageSwitch(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/language/{code}", (string code, string? returnUrl, HttpContext context) =>
        {
            if (!CountersignApp.Languages.Contains(code))
            {
                return Results.NotFound();
            }

            // Lax, not Strict: someone who follows a link to a campaign from another site still
            // gets the page in the language they chose.
            context.Response.Cookies.Append(
                CookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(code)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, Secure = true, Path = "/", SameSite = SameSiteMode.Lax, IsEssential = true });

            return Results.LocalRedirect(ReturnAddress.Local(returnUrl) ?? "/");
        }).WithName(RouteName);
        return endpoints;
    }
}
