using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>The second step of staff sign-in: a code from the authenticator app, or a recovery code.</summary>
public sealed class LoginCodeModel(StaffSignIn signIn, StaffAuthenticator authenticator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    /// <summary>How long until a code from this network is checked again, when too many were wrong.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await signIn.PendingUserAsync(HttpContext);
        if (user is null)
        {
            return BackToSignIn();
        }

        return user.HasAuthenticator ? Page() : RedirectToPage("/Staff/LoginEnrol", new { returnUrl = StaffSignIn.ReturnPath(ReturnUrl) });
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await signIn.PendingUserAsync(HttpContext);
        if (user is null || !user.HasAuthenticator)
        {
            return BackToSignIn();
        }

        if (await signIn.StartCodeAttemptAsync(user, HttpContext.Connection.RemoteIpAddress, cancellationToken) is { } wait)
        {
            RetryAfter = wait;
            StaffSignIn.AnswerThrottled(Response, wait);
            return Page();
        }

        var code = Code ?? "";
        var result = StaffAuthenticator.IsRecoveryCode(code)
            ? await authenticator.RedeemRecoveryCodeAsync(user, code, cancellationToken) ? StaffAuthenticator.CodeResult.Accepted : StaffAuthenticator.CodeResult.Wrong
            : await authenticator.VerifyAsync(user, code, cancellationToken);
        if (result == StaffAuthenticator.CodeResult.Accepted)
        {
            await signIn.CompleteAsync(HttpContext, user, cancellationToken);
            return LocalRedirect(StaffSignIn.ReturnPath(ReturnUrl));
        }

        Problem = result == StaffAuthenticator.CodeResult.AlreadyUsed
            ? t["That code has already been used. Wait for your app to show the next one."]
            : t["That code is not right. Check that your app shows the code for this site, and try again."];
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }

    private RedirectToPageResult BackToSignIn() => RedirectToPage("/Staff/Login", new { returnUrl = StaffSignIn.ReturnPath(ReturnUrl) });
}
