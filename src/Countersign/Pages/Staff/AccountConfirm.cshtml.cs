using Countersign.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// Re-authentication before account changes: the password and a fresh code, so that someone who
/// finds a signed-in screen (or steals the cookie) cannot lock the owner out of their account.
/// </summary>
public sealed class AccountConfirmModel(StaffSignIn signIn, StaffAuthenticator authenticator, UserManager<StaffUser> users, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Problem { get; private set; }

    /// <summary>How long until an attempt from this network is checked again, when too many failed.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        // Whoever has this session may be guessing: a wrong password counts like a wrong code.
        var client = HttpContext.Connection.RemoteIpAddress;
        if (await signIn.StartCodeAttemptAsync(user, client, cancellationToken) is { } wait)
        {
            RetryAfter = wait;
            StaffSignIn.AnswerThrottled(Response, wait);
            return Page();
        }

        // The code is checked (and spent) only after the right password.
        var passwordRight = await users.CheckPasswordAsync(user, Password ?? "");
        var code = passwordRight ? await authenticator.VerifyAsync(user, Code ?? "", cancellationToken) : StaffAuthenticator.CodeResult.Wrong;
        if (passwordRight && code == StaffAuthenticator.CodeResult.Accepted)
        {
            await signIn.CodeAcceptedAsync(user, client, cancellationToken);
            await signIn.RefreshAsync(HttpContext, user, confirmedNow: true);
            return ReturnUrl is "/staff" or null ? RedirectToPage("/Staff/Account") : LocalRedirect(StaffSignIn.ReturnPath(ReturnUrl));
        }

        Problem = !passwordRight ? t["That password is not right."]
            : code == StaffAuthenticator.CodeResult.AlreadyUsed ? t["That code has already been used. Wait for your app to show the next one."]
            : t["That code is not right. Check that your app shows the code for this site, and try again."];
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        return Page();
    }
}
