using Countersign.Data;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// Admins only: one staff account, and disabling, enabling or removing it. The page says what each
/// does before its button, so reaching it from the list is the confirmation step; removing, which
/// cannot be undone, also asks for the account's address to be typed. The rules are <see cref="StaffAccounts"/>'s.
/// </summary>
public sealed class StaffAccountModel(CountersignDb db, StaffAccounts accounts, IStringLocalizer<SharedResource> t) : PageModel
{
    public StaffUser Account { get; private set; } = null!;
    public IReadOnlyList<string> Roles { get; private set; } = [];

    /// <summary>Titles of the campaigns the account organises.</summary>
    public IReadOnlyList<string> Organises { get; private set; } = [];

    /// <summary>Those it is the only organiser of: removing it is refused while there are any.</summary>
    public IReadOnlyList<string> OnlyOrganiserOf { get; private set; } = [];

    public bool IsReader => Account.Id == AuditLog.StaffIdOf(User);

    [TempData]
    public string? Done { get; set; }

    public string? Refusal { get; private set; }

    /// <summary>The account's email address, typed to confirm its removal.</summary>
    [BindProperty]
    public string? ConfirmEmail { get; set; }

    /// <summary>Why the removal was not confirmed, shown under its field.</summary>
    public string? ConfirmProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public Task<IActionResult> OnPostDisableAsync(int id, CancellationToken cancellationToken) =>
        ActAsync(id, accounts.DisableAsync, change => change.Refused == StaffAccounts.Refusal.Unchanged
            ? t["This account is already disabled."]
            : change.InvitationsWithdrawn > 0
                ? $"{t["{0} is disabled: it can no longer sign in, and its sessions have ended.", change.Email!]} {t["Invitations it had sent that were still waiting are withdrawn: {0}.", change.InvitationsWithdrawn]}"
                : t["{0} is disabled: it can no longer sign in, and its sessions have ended.", change.Email!], cancellationToken);

    public Task<IActionResult> OnPostEnableAsync(int id, CancellationToken cancellationToken) =>
        ActAsync(id, accounts.EnableAsync, change => change.Refused == StaffAccounts.Refusal.Unchanged
            ? t["This account is already in use."]
            : t["{0} can sign in again, with its password and authenticator app.", change.Email!], cancellationToken);

    public async Task<IActionResult> OnPostRemoveAsync(int id, CancellationToken cancellationToken)
    {
        var email = await db.StaffUsers.Where(u => u.Id == id).Select(u => u.Email).FirstOrDefaultAsync(cancellationToken);
        if (email is not null && !string.Equals(ConfirmEmail?.Trim(), email, StringComparison.OrdinalIgnoreCase))
        {
            await LoadAsync(id, cancellationToken);
            ConfirmProblem = t["Type the account's email address to confirm that it is the one to remove."];
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        return await ActAsync(id, accounts.RemoveAsync, change => t["{0} is removed. The audit log keeps its entries.", change.Email!], cancellationToken);
    }

    private async Task<IActionResult> ActAsync(
        int id, Func<int, System.Security.Claims.ClaimsPrincipal?, CancellationToken, Task<StaffAccounts.AccountChange>> act, Func<StaffAccounts.AccountChange, string> done, CancellationToken cancellationToken)
    {
        var change = await act(id, User, cancellationToken);
        switch (change.Refused)
        {
            case StaffAccounts.Refusal.NotFound:
                return NotFound();
            case StaffAccounts.Refusal.NotAllowed:
                return Forbid();
            case StaffAccounts.Refusal.None or StaffAccounts.Refusal.Unchanged:
                Done = done(change);
                return await db.StaffUsers.AnyAsync(u => u.Id == id, cancellationToken) ? RedirectToPage(new { id }) : RedirectToPage("/Staff/Users");
        }

        Refusal = change.Refused switch
        {
            StaffAccounts.Refusal.Yourself => t["You cannot disable or remove your own account: another admin must."],
            StaffAccounts.Refusal.LastAdmin => t["This is the last admin account in use. Make someone else an admin first, so that somebody can still manage staff accounts."],
            _ => t["{0} is the only organiser of: {1}. Add another organiser on each campaign's Team page first, or disable the account instead.", change.Email!, string.Join(", ", change.Campaigns ?? [])],
        };
        await LoadAsync(id, cancellationToken);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var account = await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken);
        if (account is null)
        {
            return false;
        }

        Account = account;
        Roles = await db.UserRoles.Where(link => link.UserId == id).Join(db.Roles, link => link.RoleId, role => role.Id, (_, role) => role.Name ?? "")
            .OrderBy(name => name).ToListAsync(cancellationToken);
        Organises = await db.CampaignMembers.Where(m => m.StaffUserId == id && m.Role == StaffRoles.Organiser)
            .Join(db.Campaigns, m => m.CampaignId, c => c.Id, (_, c) => c.Title).OrderBy(title => title).ToListAsync(cancellationToken);
        OnlyOrganiserOf = await accounts.OnlyOrganiserOfAsync(id, cancellationToken);
        return true;
    }
}
