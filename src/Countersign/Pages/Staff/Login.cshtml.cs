using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Staff;

/// <summary>The first step of staff sign-in: email and password. The second step is LoginCode or, the first time, LoginEnrol.</summary>
public sealed class LoginModel(StaffSignIn signIn) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public bool Failed { get; private set; }

    public int MinutesLocked { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var check = await signIn.CheckPasswordAsync(Email ?? "", Password ?? "", cancellationToken);
        if (check.Outcome != StaffSignIn.Outcome.Accepted)
        {
            Failed = true;
            MinutesLocked = check.MinutesLocked;
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        var user = check.User!;
        await signIn.StartPendingAsync(HttpContext, user, cancellationToken);
        var next = user.HasAuthenticator ? "/staff/login/code" : "/staff/login/enrol";
        return LocalRedirect($"{next}?returnUrl={Uri.EscapeDataString(StaffSignIn.ReturnPath(ReturnUrl))}");
    }

    public async Task<IActionResult> OnPostLogoutAsync()
    {
        await signIn.SignOutAsync(HttpContext);
        return LocalRedirect("/");
    }
}
