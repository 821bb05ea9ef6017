using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// The second step of the first sign-in: set up the authenticator app, confirm it with a code,
/// and get the recovery codes. Reached only with the right password and only while the account
/// has no authenticator: with one, the code page is the only way on.
/// </summary>
public sealed class LoginEnrolModel(StaffSignIn signIn, StaffAuthenticator authenticator, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? SealedKey { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public StaffAuthenticator.Offer Offer { get; private set; } = null!;

    public string? Problem { get; private set; }

    /// <summary>How long until a code from this network is checked again, when too many were wrong.</summary>
    public TimeSpan? RetryAfter { get; private set; }

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public string Next => StaffSignIn.ReturnPath(ReturnUrl);

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await signIn.PendingUserAsync(HttpContext);
        if (user is null || user.HasAuthenticator)
        {
            return Elsewhere(user);
        }

        Offer = authenticator.OfferKey(user, StaffAuthenticator.NewKey(), t["QR code to scan with your authenticator app"]);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await signIn.PendingUserAsync(HttpContext);
        if (user is null || user.HasAuthenticator)
        {
            return Elsewhere(user);
        }

        var key = authenticator.UnprotectNewKey(user, SealedKey);
        if (key is null)
        {
            // A form from before the account changed, or tampered with: start again with a new key.
            Offer = authenticator.OfferKey(user, StaffAuthenticator.NewKey(), t["QR code to scan with your authenticator app"]);
            Problem = t["This setup has expired. Add the account to your app again with the new QR code or key below."];
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        if (await signIn.StartCodeAttemptAsync(user, HttpContext.Connection.RemoteIpAddress, cancellationToken) is { } wait)
        {
            // The same key again, so what the app was given still works once the wait is over.
            Offer = authenticator.OfferKey(user, key, t["QR code to scan with your authenticator app"]);
            RetryAfter = wait;
            StaffSignIn.AnswerThrottled(Response, wait);
            return Page();
        }

        var result = await authenticator.VerifyAsync(user, key, Code ?? "", cancellationToken);
        if (result != StaffAuthenticator.CodeResult.Accepted)
        {
            Offer = authenticator.OfferKey(user, key, t["QR code to scan with your authenticator app"]);
            Problem = result == StaffAuthenticator.CodeResult.AlreadyUsed
                ? t["That code has already been used. Wait for your app to show the next one."]
                : t["That code is not right. Check that your app shows the code for this site, and try again."];
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        if (!await authenticator.EnrolAsync(user, key, replace: false, cancellationToken))
        {
            // Another sign-in set up an authenticator a moment ago: that one needs its code.
            return Elsewhere(user);
        }

        RecoveryCodes = await authenticator.NewRecoveryCodesAsync(user, cancellationToken);
        await signIn.CompleteAsync(HttpContext, user, cancellationToken);
        return Page();
    }

    private RedirectToPageResult Elsewhere(Countersign.Staff.StaffUser? user) =>
        RedirectToPage(user is null ? "/Staff/Login" : "/Staff/LoginCode", new { returnUrl = StaffSignIn.ReturnPath(ReturnUrl) });
}
