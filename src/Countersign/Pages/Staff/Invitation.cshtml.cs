using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// Where an invitation's link leads: the invited person chooses a password, and goes straight on
/// to set up their authenticator app (the sign-in's second step), as at a first sign-in.
/// </summary>
public sealed class InvitationModel(StaffInvitations invitations, StaffSignIn signIn, IStringLocalizer<SharedResource> t) : PageModel
{
    public StaffInvitation? Invitation { get; private set; }

    /// <summary>Why the link no longer works, for a page that says so instead of a form.</summary>
    public string? Closed { get; private set; }

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken) =>
        await LoadAsync(token, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string token, string? password, string? repeatPassword, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(token, cancellationToken))
        {
            return NotFound();
        }

        if (Closed is not null)
        {
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }

        password ??= "";
        if (password.Length < StaffUser.MinimumPasswordLength)
        {
            return Refuse(t["Choose a password of at least {0} characters.", StaffUser.MinimumPasswordLength]);
        }

        if (password != repeatPassword)
        {
            return Refuse(t["The two passwords are not the same. Type the same password twice."]);
        }

        var accepted = await invitations.AcceptAsync(Invitation!, password, cancellationToken);
        if (accepted.Problem is { } problem)
        {
            return Refuse(problem);
        }

        if (accepted.User is not { } user)
        {
            Closed = t["This invitation has just been used. Sign in with the password chosen then."];
            Response.StatusCode = StatusCodes.Status410Gone;
            return Page();
        }

        await signIn.StartPendingAsync(HttpContext, user, cancellationToken);
        return RedirectToPage("/Staff/LoginEnrol", new { returnUrl = Url.Page("/Staff/Index") });
    }

    private IActionResult Refuse(string problem)
    {
        Problem = problem;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> LoadAsync(string token, CancellationToken cancellationToken)
    {
        Invitation = token.Length is > 0 and < 100 ? await invitations.FindAsync(token, cancellationToken) : null;
        if (Invitation is null)
        {
            return false;
        }

        Closed = Invitation.AcceptedAt is not null ? t["This invitation has been used. Sign in with the password chosen then."].Value
            : !invitations.IsOpen(Invitation) ? t["This invitation has expired. Ask the person who invited you to send a new one."].Value
            : null;
        return true;
    }
}
