using Countersign.Data;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>Admins only: every staff account, its roles and whether it can sign in.</summary>
public sealed class UsersModel(CountersignDb db, TimeProvider clock) : PageModel
{
    public sealed record Row(string Email, IReadOnlyList<string> Roles, bool Enrolled, bool Locked);

    public IReadOnlyList<Row> Accounts { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var accounts = await db.StaffUsers.OrderBy(u => u.Email)
            .Select(u => new { u.Id, u.Email, Enrolled = u.AuthenticatorKey != null, u.LockoutEnd })
            .ToListAsync(cancellationToken);
        var roles = await db.UserRoles.Join(db.Roles, link => link.RoleId, role => role.Id, (link, role) => new { link.UserId, role.Name })
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        Accounts = accounts.Select(a => new Row(
            a.Email ?? "",
            roles.Where(r => r.UserId == a.Id).Select(r => r.Name ?? "").Order(StringComparer.Ordinal).ToList(),
            a.Enrolled,
            a.LockoutEnd > now)).ToList();
    }
}
