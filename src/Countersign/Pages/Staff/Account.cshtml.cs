using Countersign.Localisation;
using Countersign.Signing;
using Countersign.Staff;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// A staff member's own account: password, email address, authenticator app and recovery codes.
/// Every change, and the page itself, needs a confirmation of who they are from the last five
/// minutes (<see cref="AccountConfirmModel"/>). Changes that a thief would make (password,
/// email, authenticator) sign out every other session of the account.
/// </summary>
public sealed class AccountModel(StaffSignIn signIn, StaffAuthenticator authenticator, UserManager<StaffUser> users, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    [BindProperty]
    public string? NewEmail { get; set; }

    /// <summary>What the last change did, shown above the page.</summary>
    [TempData]
    public string? Done { get; set; }

    public StaffUser Account { get; private set; } = null!;

    public IList<string> Roles { get; private set; } = [];

    public int RecoveryCodesLeft { get; private set; }

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        WithConfirmedUserAsync(async user =>
        {
            NewEmail = user.Email;
            return await ShowAsync(user, cancellationToken);
        });

    public Task<IActionResult> OnPostPasswordAsync(CancellationToken cancellationToken) =>
        WithConfirmedUserAsync(async user =>
        {
            var password = NewPassword ?? "";
            if (password.Length < StaffUser.MinimumPasswordLength)
            {
                ModelState.AddModelError(nameof(NewPassword), t.Plural("The password must be at least {0, plural, one {# character} other {# characters}} long.", StaffUser.MinimumPasswordLength));
            }
            else if (password != ConfirmPassword)
            {
                ModelState.AddModelError(nameof(ConfirmPassword), t["The two passwords are not the same."]);
            }

            if (!ModelState.IsValid)
            {
                NewEmail = user.Email;
                return await ShowAsync(user, cancellationToken, StatusCodes.Status422UnprocessableEntity);
            }

            // The hash and a new security stamp are saved in one update: the old password and
            // every other session stop working together.
            user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
            return await SaveAsync(user, t["Your password is changed. Any other session of your account is signed out."], cancellationToken);
        });

    public Task<IActionResult> OnPostEmailAsync(CancellationToken cancellationToken) =>
        WithConfirmedUserAsync(async user =>
        {
            var address = (NewEmail ?? "").Trim().ToLowerInvariant();
            if (!EmailAddress.IsValid(address))
            {
                ModelState.AddModelError(nameof(NewEmail), t["Enter an email address like name@example.org."]);
            }
            else if (address == user.Email)
            {
                ModelState.AddModelError(nameof(NewEmail), t["That is already your email address."]);
            }
            else if (await users.FindByEmailAsync(address) is not null)
            {
                ModelState.AddModelError(nameof(NewEmail), t["Another staff account uses that address."]);
            }

            if (!ModelState.IsValid)
            {
                return await ShowAsync(user, cancellationToken, StatusCodes.Status422UnprocessableEntity);
            }

            user.Email = address;
            user.UserName = address;
            await users.UpdateNormalizedEmailAsync(user);
            await users.UpdateNormalizedUserNameAsync(user);
            return await SaveAsync(user, t["Your email address is changed. Any other session of your account is signed out."], cancellationToken);
        });

    public Task<IActionResult> OnPostAuthenticatorAsync() =>
        WithConfirmedUserAsync(_ => Task.FromResult<IActionResult>(RedirectToPage("/Staff/AccountAuthenticator")));

    public Task<IActionResult> OnPostRecoveryCodesAsync(CancellationToken cancellationToken) =>
        WithConfirmedUserAsync(async user =>
        {
            RecoveryCodes = await authenticator.NewRecoveryCodesAsync(user, cancellationToken);
            NewEmail = user.Email;
            return await ShowAsync(user, cancellationToken);
        });

    private async Task<IActionResult> WithConfirmedUserAsync(Func<StaffUser, Task<IActionResult>> action)
    {
        var user = await users.GetUserAsync(User);
        if (user is null)
        {
            return Challenge();
        }

        return signIn.RecentlyConfirmed(User) ? await action(user) : RedirectToPage("/Staff/AccountConfirm", new { returnUrl = Url.Page("/Staff/Account") });
    }

    /// <summary>Saves the change with a new security stamp and keeps this session signed in.</summary>
    private async Task<IActionResult> SaveAsync(StaffUser user, string done, CancellationToken cancellationToken)
    {
        IdentityResult saved;
        try
        {
            saved = await users.UpdateSecurityStampAsync(user);
        }
        catch (DbUpdateException)
        {
            // Another account took the address between the check and the save (the unique index refused it).
            saved = IdentityResult.Failed();
        }

        if (!saved.Succeeded)
        {
            ModelState.AddModelError(nameof(NewEmail), t["Your account changed in the meantime. Nothing was saved: try again."]);
            var fresh = await users.GetUserAsync(User);
            return fresh is null ? Challenge() : await ShowAsync(fresh, cancellationToken, StatusCodes.Status409Conflict);
        }

        await signIn.RefreshAsync(HttpContext, user, confirmedNow: false);
        Done = done;
        return RedirectToPage();
    }

    private async Task<IActionResult> ShowAsync(StaffUser user, CancellationToken cancellationToken, int status = StatusCodes.Status200OK)
    {
        Account = user;
        Roles = await users.GetRolesAsync(user);
        RecoveryCodesLeft = await authenticator.RecoveryCodesLeftAsync(user, cancellationToken);
        Response.StatusCode = status;
        return Page();
    }
}
