using Countersign.Data;
using Countersign.Email;
using Countersign.Localisation;
using Countersign.Signing;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>Admins only: every staff account, its roles and whether it can sign in, each leading to its own page (<see cref="StaffAccountModel"/>); inviting new staff by email.</summary>
public sealed class UsersModel(CountersignDb db, StaffInvitations invitations, Outbox outbox, IStringLocalizer<SharedResource> t) : PageModel
{
    public sealed record Row(int Id, string Email, IReadOnlyList<string> Roles, bool Enrolled, bool Disabled);

    public IReadOnlyList<Row> Accounts { get; private set; } = [];

    public IReadOnlyList<StaffInvitation> Pending { get; private set; } = [];

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public List<string> Roles { get; set; } = [];

    [TempData]
    public string? Done { get; set; }

    public string? Problem { get; private set; }

    public Task OnGetAsync(CancellationToken cancellationToken) => LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostInviteAsync(CancellationToken cancellationToken)
    {
        var email = Email?.Trim().ToLowerInvariant() ?? "";
        Problem = !EmailAddress.IsValid(email) ? t["Enter an email address like name@example.org."].Value
            : Roles.Any(role => !StaffRoles.All.Contains(role)) ? t["Choose among the roles listed."].Value
            : await db.StaffUsers.AnyAsync(u => u.Email == email, cancellationToken) ? t["A staff account already uses this address."].Value
            : await invitations.IsWaitingAsync(email, campaignId: null, cancellationToken) ? t["An invitation to this address is already waiting. Withdraw it first to send a new one."].Value
            : null;
        if (Problem is not null)
        {
            await LoadAsync(cancellationToken);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        invitations.Invite(User, email, Roles.Distinct(StringComparer.Ordinal).ToList(), null, null, null, null);
        await db.SaveChangesAsync(cancellationToken);
        outbox.WakeSender();
        Done = t.Plural("We emailed an invitation to {0}. It works for {1, plural, one {# day} other {# days}}.", email, (int)StaffInvitation.ValidFor.TotalDays);
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(int invitationId, CancellationToken cancellationToken)
    {
        var withdrawn = await invitations.WithdrawAsync(User, invitationId, campaignId: null, cancellationToken);
        if (withdrawn is null)
        {
            return NotFound();
        }

        Done = t["The invitation to {0} is withdrawn: its link no longer works.", withdrawn];
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var accounts = await db.StaffUsers.OrderBy(u => u.Email)
            .Select(u => new { u.Id, u.Email, Enrolled = u.AuthenticatorKey != null, u.DisabledAt })
            .ToListAsync(cancellationToken);
        var roles = await db.UserRoles.Join(db.Roles, link => link.RoleId, role => role.Id, (link, role) => new { link.UserId, role.Name })
            .ToListAsync(cancellationToken);
        Accounts = accounts.Select(a => new Row(
            a.Id,
            a.Email ?? "",
            roles.Where(r => r.UserId == a.Id).Select(r => r.Name ?? "").Order(StringComparer.Ordinal).ToList(),
            a.Enrolled,
            a.DisabledAt is not null)).ToList();
        Pending = await invitations.WaitingAsync(campaignId: null, cancellationToken);
    }
}
