using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using Countersign.Data;
using Countersign.Signing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Staff;

/// <summary>
/// Creating, disabling, enabling and removing staff accounts, shared by the admins' pages, the CLI,
/// the demo and the tests. There is no open registration.
/// </summary>
public sealed class StaffAccounts(CountersignDb db, UserManager<StaffUser> users, TimeProvider clock)
{
    /// <summary>Why a change to an account was not made.</summary>
    public enum Refusal
    {
        None,
        NotFound,

        /// <summary>The one acting is no longer an admin in use (disabled or removed a moment ago).</summary>
        NotAllowed,

        /// <summary>Nobody disables or removes their own account: another admin must.</summary>
        Yourself,

        /// <summary>It is the last admin in use: nobody would be left to manage staff accounts.</summary>
        LastAdmin,

        /// <summary>Removing it would leave campaigns (<see cref="AccountChange.Campaigns"/>) without an organiser.</summary>
        OnlyOrganiser,

        /// <summary>Already as asked (disabled, or in use).</summary>
        Unchanged,
    }

    /// <summary>What a change did: the account's address, or why nothing changed; the waiting invitations it had sent that were withdrawn; a reset's new password.</summary>
    public sealed record AccountChange(Refusal Refused, string? Email = null, IReadOnlyList<string>? Campaigns = null, int InvitationsWithdrawn = 0, string? Password = null);

    /// <summary>Adds an account with the given roles (<see cref="StaffRoles"/>), or returns a message saying why not.</summary>
    public async Task<string?> AddAsync(string email, string password, IReadOnlyCollection<string> roles, CancellationToken cancellationToken)
    {
        var address = email.Trim().ToLowerInvariant();
        if (!EmailAddress.IsValid(address))
        {
            return $"'{address}' is not a valid email address.";
        }

        if (password.Length < StaffUser.MinimumPasswordLength)
        {
            return $"The password must be at least {StaffUser.MinimumPasswordLength} characters long.";
        }

        if (roles.FirstOrDefault(role => !StaffRoles.All.Contains(role)) is { } unknown)
        {
            return $"'{unknown}' is not a staff role.";
        }

        if (await users.FindByEmailAsync(address) is not null)
        {
            return $"A staff account for {address} already exists.";
        }

        cancellationToken.ThrowIfCancellationRequested();
        var user = new StaffUser { UserName = address, Email = address, EmailConfirmed = true, CreatedAt = clock.GetUtcNow().UtcDateTime };
        var created = await users.CreateAsync(user, password);
        if (created.Succeeded && roles.Count > 0)
        {
            created = await users.AddToRolesAsync(user, roles);
        }

        return created.Succeeded ? null : string.Join(" ", created.Errors.Select(error => error.Description));
    }

    /// <summary>
    /// Disables an account: it can no longer sign in, every session of it ends at once (a new
    /// security stamp), and invitations it sent that are still waiting are withdrawn (a disabled
    /// account is often a stolen one, and its invitations could let the thief back in).
    /// </summary>
    /// <param name="actor">The admin acting, or null from the command line.</param>
    public Task<AccountChange> DisableAsync(int userId, ClaimsPrincipal? actor, CancellationToken cancellationToken) =>
        ChangeAsync(userId, actor, async (target, actorId, now) =>
        {
            if (target.IsDisabled)
            {
                return new AccountChange(Refusal.Unchanged, target.Email);
            }

            if (await LeavesNoAdminAsync(target, cancellationToken))
            {
                return new AccountChange(Refusal.LastAdmin, target.Email);
            }

            await db.StaffUsers.Where(u => u.Id == target.Id).ExecuteUpdateAsync(
                set => set.SetProperty(u => u.DisabledAt, now).SetProperty(u => u.SecurityStamp, StaffUser.NewSecurityStamp()).SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()),
                cancellationToken);
            var withdrawn = await WithdrawInvitationsAsync(target.Id, cancellationToken);
            db.Record(actor, AuditAction.StaffDisabled, null, now, Details(target, actorId, withdrawn));
            return new AccountChange(Refusal.None, target.Email, InvitationsWithdrawn: withdrawn);
        }, cancellationToken);

    /// <summary>Lets a disabled account sign in again (with its password and authenticator, as before).</summary>
    public Task<AccountChange> EnableAsync(int userId, ClaimsPrincipal? actor, CancellationToken cancellationToken) =>
        ChangeAsync(userId, actor, async (target, actorId, now) =>
        {
            if (!target.IsDisabled)
            {
                return new AccountChange(Refusal.Unchanged, target.Email);
            }

            await db.StaffUsers.Where(u => u.Id == target.Id).ExecuteUpdateAsync(set => set.SetProperty(u => u.DisabledAt, (DateTime?)null), cancellationToken);
            db.Record(actor, AuditAction.StaffEnabled, null, now, Details(target, actorId, 0));
            return new AccountChange(Refusal.None, target.Email);
        }, cancellationToken);

    /// <summary>
    /// Deletes an account for good, with its roles, recovery codes, campaign roles and waiting
    /// invitations. Refused while it is the only organiser of a campaign: the campaign would be
    /// left without anyone to run it. The audit log keeps its entries (naming a former staff member).
    /// </summary>
    public Task<AccountChange> RemoveAsync(int userId, ClaimsPrincipal? actor, CancellationToken cancellationToken) =>
        ChangeAsync(userId, actor, async (target, actorId, now) =>
        {
            if (await LeavesNoAdminAsync(target, cancellationToken))
            {
                return new AccountChange(Refusal.LastAdmin, target.Email);
            }

            var orphaned = await OnlyOrganiserOfAsync(target.Id, cancellationToken);
            if (orphaned.Count > 0)
            {
                return new AccountChange(Refusal.OnlyOrganiser, target.Email, orphaned);
            }

            var withdrawn = await WithdrawInvitationsAsync(target.Id, cancellationToken);

            // The database deletes what hangs on the account (its foreign keys cascade).
            await db.StaffUsers.Where(u => u.Id == target.Id).ExecuteDeleteAsync(cancellationToken);
            db.Record(actor, AuditAction.StaffRemoved, null, now, Details(target, actorId, withdrawn));
            return new AccountChange(Refusal.None, target.Email, InvitationsWithdrawn: withdrawn);
        }, cancellationToken);

    /// <summary>Titles of the campaigns the account is the only organiser of.</summary>
    public async Task<IReadOnlyList<string>> OnlyOrganiserOfAsync(int userId, CancellationToken cancellationToken) =>
        await db.CampaignMembers
            .Where(m => m.StaffUserId == userId && m.Role == StaffRoles.Organiser
                && !db.CampaignMembers.Any(other => other.CampaignId == m.CampaignId && other.StaffUserId != userId && other.Role == StaffRoles.Organiser))
            .Join(db.Campaigns, m => m.CampaignId, c => c.Id, (_, c) => c.Title)
            .OrderBy(title => title)
            .ToListAsync(cancellationToken);

    /// <summary>
    /// Runs one change in a transaction that first locks the admin role's row: two admins who
    /// disable each other at the same moment are taken one after the other, so the second finds
    /// itself disabled and at least one admin is always left.
    /// </summary>
    private async Task<AccountChange> ChangeAsync(int userId, ClaimsPrincipal? actor, Func<StaffUser, int?, DateTime, Task<AccountChange>> change, CancellationToken cancellationToken)
    {
        var actorId = actor is null ? null : AuditLog.StaffIdOf(actor);
        var execution = db.Database.CreateExecutionStrategy();
        return await execution.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await db.Roles.Where(r => r.Id == StaffRoles.AdminId)
                .ExecuteUpdateAsync(set => set.SetProperty(r => r.ConcurrencyStamp, r => r.ConcurrencyStamp), cancellationToken);
            if (actor is not null && (actorId is null || !await IsAdminInUseAsync(actorId.Value, cancellationToken)))
            {
                return new AccountChange(Refusal.NotAllowed);
            }

            var target = await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (target is null)
            {
                return new AccountChange(Refusal.NotFound);
            }

            if (target.Id == actorId)
            {
                return new AccountChange(Refusal.Yourself, target.Email);
            }

            var result = await change(target, actorId, clock.GetUtcNow().UtcDateTime);
            if (result.Refused == Refusal.None)
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }

            return result;
        });
    }

    /// <summary>The accounts that are admins and not disabled.</summary>
    private IQueryable<StaffUser> AdminsInUse() =>
        db.StaffUsers.Where(u => u.DisabledAt == null && db.UserRoles.Any(r => r.UserId == u.Id && r.RoleId == StaffRoles.AdminId));

    private Task<bool> IsAdminInUseAsync(int userId, CancellationToken cancellationToken) =>
        AdminsInUse().AnyAsync(u => u.Id == userId, cancellationToken);

    /// <summary>Whether taking this account out of use leaves no admin in use.</summary>
    private async Task<bool> LeavesNoAdminAsync(StaffUser target, CancellationToken cancellationToken) =>
        await IsAdminInUseAsync(target.Id, cancellationToken) && !await AdminsInUse().AnyAsync(u => u.Id != target.Id, cancellationToken);

    private Task<int> WithdrawInvitationsAsync(int userId, CancellationToken cancellationToken) =>
        db.StaffInvitations.Where(i => i.InvitedBy == userId && i.AcceptedAt == null).ExecuteDeleteAsync(cancellationToken);

    private static string Details(StaffUser target, int? actorId, int withdrawn) =>
        string.Create(CultureInfo.InvariantCulture, $"{target.Email}{(actorId is null ? ", from the command line" : "")}{(withdrawn > 0 ? $", {withdrawn} waiting invitation(s) they sent withdrawn" : "")}");

    /// <summary>
    /// A new password: 20 characters from an alphabet without look-alikes (about 99 bits), in groups
    /// of five so a person can copy it from a terminal by hand.
    /// </summary>
    public static string NewPassword()
    {
        const string alphabet = "23456789abcdefghjkmnpqrstuvwxyz";
        var groups = Enumerable.Range(0, 4).Select(_ => new string(Enumerable.Range(0, 5).Select(_ => alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)]).ToArray()));
        return string.Join('-', groups);
    }

    /// <summary>
    /// From the command line, for someone locked out or an account that may be stolen: a new
    /// password (<see cref="AccountChange.Password"/>, shown once to be handed over) and/or a fresh
    /// authenticator enrolment (the app's key and the recovery codes go, so the next sign-in sets
    /// up an app). Either way every session and half-finished sign-in of the account ends (a new
    /// security stamp), and the reset is audited.
    /// </summary>
    public async Task<AccountChange> ResetAsync(int userId, bool password, bool authenticator, CancellationToken cancellationToken)
    {
        if (!password && !authenticator)
        {
            throw new ArgumentException("A reset renews the password, the authenticator app or both.", nameof(password));
        }

        var newPassword = password ? NewPassword() : null;
        var change = await ChangeAsync(userId, actor: null, async (target, _, now) =>
        {
            var passwordHash = newPassword is null ? null : users.PasswordHasher.HashPassword(target, newPassword);
            await db.StaffUsers.Where(u => u.Id == target.Id).ExecuteUpdateAsync(set =>
            {
                if (passwordHash is not null)
                {
                    set.SetProperty(u => u.PasswordHash, passwordHash);
                }

                if (authenticator)
                {
                    set.SetProperty(u => u.AuthenticatorKey, (byte[]?)null).SetProperty(u => u.TwoFactorEnabled, false);
                }

                set.SetProperty(u => u.SecurityStamp, StaffUser.NewSecurityStamp()).SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString());
            }, cancellationToken);
            if (authenticator)
            {
                await db.StaffRecoveryCodes.Where(c => c.UserId == target.Id).ExecuteDeleteAsync(cancellationToken);
            }

            var what = (password, authenticator) switch
            {
                (true, true) => "new password and authenticator app",
                (true, false) => "new password",
                _ => "new authenticator app",
            };
            db.Record(null, AuditAction.StaffReset, null, now, $"{target.Email}: {what}, every session ended, from the command line");
            return new AccountChange(Refusal.None, target.Email);
        }, cancellationToken);
        return change with { Password = change.Refused == Refusal.None ? newPassword : null };
    }

    /// <summary>
    /// The demo's staff account (an admin, so someone trying Countersign sees every page), made on
    /// the first start, with a new password at every start: returned to be shown on the console,
    /// and kept nowhere else (see <see cref="Hosting.DemoSignIn"/>).
    /// </summary>
    public async Task<string> RenewDemoAccountAsync(string email, CancellationToken cancellationToken)
    {
        if (await users.FindByEmailAsync(email) is { } existing)
        {
            return (await ResetAsync(existing.Id, password: true, authenticator: false, cancellationToken)).Password
                ?? throw new InvalidOperationException($"The demo account {email} could not be given a new password.");
        }

        var password = NewPassword();
        return await AddAsync(email, password, [StaffRoles.Admin], cancellationToken) is { } problem
            ? throw new InvalidOperationException($"The demo account {email} could not be made: {problem}")
            : password;
    }
}
