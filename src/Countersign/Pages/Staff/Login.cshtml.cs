using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>The first step of staff sign-in: email and password. The second step is LoginCode or, the first time, LoginEnrol.</summary>
public sealed class LoginModel(StaffSignIn signIn, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Failed { get; private set; }

    /// <summary>The right password for a disabled account.</summary>
    public bool Disabled { get; private set; }

    /// <summary>Shown after signing out.</summary>
    [TempData]
    public string? Done { get; set; }

    /// <summary>How long until an attempt from this network is checked again, when too many failed.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    /// <summary>Someone already signed in goes on to where they were going (a staff page), or the staff home.</summary>
    public IActionResult OnGet() =>
        User.Identity is { IsAuthenticated: true, AuthenticationType: StaffSignIn.Scheme }
            ? LocalRedirect(StaffSignIn.ReturnPath(ReturnUrl))
            : Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var check = await signIn.CheckPasswordAsync(Email ?? "", Password ?? "", HttpContext.Connection.RemoteIpAddress, cancellationToken);
        switch (check.Outcome)
        {
            case StaffSignIn.Outcome.Throttled:
                RetryAfter = check.RetryAfter;
                StaffSignIn.AnswerThrottled(Response, check.RetryAfter);
                return Page();
            case StaffSignIn.Outcome.Disabled:
                Disabled = true;
                Response.StatusCode = StatusCodes.Status403Forbidden;
                return Page();
            case StaffSignIn.Outcome.NoMatch:
                Failed = true;
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Page();
        }

        var user = check.User!;
        await signIn.StartPendingAsync(HttpContext, user, cancellationToken);
        var next = user.HasAuthenticator ? "/Staff/LoginCode" : "/Staff/LoginEnrol";
        return RedirectToPage(next, new { returnUrl = StaffSignIn.ReturnPath(ReturnUrl) });
    }

    public async Task<IActionResult> OnPostLogoutAsync(CancellationToken cancellationToken)
    {
        await signIn.SignOutAsync(HttpContext, cancellationToken);
        Done = t["You are signed out, here and on every other device where your account was signed in."];
        return RedirectToPage();
    }
}
