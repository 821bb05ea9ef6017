using Countersign.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>Replacing the authenticator app (a new phone, a lost one), after confirming who one is.</summary>
public sealed class AccountAuthenticatorModel(StaffSignIn signIn, StaffAuthenticator authenticator, UserManager<StaffUser> users, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? SealedKey { get; set; }

    [TempData]
    public string? Done { get; set; }

    public StaffAuthenticator.Offer Offer { get; private set; } = null!;

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        var user = await users.GetUserAsync(User);
        if (user is null || !signIn.RecentlyConfirmed(User))
        {
            return Confirm();
        }

        Offer = authenticator.OfferKey(user, StaffAuthenticator.NewKey(), t["QR code to scan with your authenticator app"]);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await users.GetUserAsync(User);
        if (user is null || !signIn.RecentlyConfirmed(User))
        {
            return Confirm();
        }

        var key = authenticator.UnprotectNewKey(user, SealedKey);
        var result = key is null ? StaffAuthenticator.CodeResult.Wrong : await authenticator.VerifyAsync(user, key, Code ?? "", cancellationToken);
        if (result == StaffAuthenticator.CodeResult.Accepted && await authenticator.EnrolAsync(user, key!, replace: true, cancellationToken))
        {
            await signIn.RefreshAsync(HttpContext, user, confirmedNow: false);
            Done = t["Your new authenticator app is set up; the old one no longer works. Any other session of your account is signed out."];
            return RedirectToPage("/Staff/Account");
        }

        if (key is null)
        {
            key = StaffAuthenticator.NewKey();
            Problem = t["This setup has expired. Add the account to your app again with the new QR code or key below."];
        }
        else
        {
            Problem = result == StaffAuthenticator.CodeResult.AlreadyUsed
                ? t["That code has already been used. Wait for your app to show the next one."]
                : t["That code is not right. Check that your app shows the code for this site, and try again."];
        }

        Offer = authenticator.OfferKey(user, key, t["QR code to scan with your authenticator app"]);
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private RedirectToPageResult Confirm() => RedirectToPage("/Staff/AccountConfirm", new { returnUrl = Url.Page("/Staff/AccountAuthenticator") });
}
