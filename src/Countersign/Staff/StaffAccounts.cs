using System.Security.Cryptography;
using Countersign.Signing;
using Microsoft.AspNetCore.Identity;

namespace Countersign.Staff;

/// <summary>Creating staff accounts, shared by the CLI, the demo and the tests. There is no open registration.</summary>
public sealed class StaffAccounts(UserManager<StaffUser> users, TimeProvider clock)
{
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

    /// <summary>The demo's staff account, so someone trying Countersign can open the outbox; its password is printed once.</summary>
    public async Task EnsureDemoAccountAsync(string email, CancellationToken cancellationToken)
    {
        if (await users.FindByEmailAsync(email) is not null)
        {
            return;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        await AddAsync(email, password, [StaffRoles.Admin], cancellationToken);

        // Printed on the console, not logged: it is the one way for the person at the keyboard to learn it.
        Console.WriteLine();
        Console.WriteLine("Demo staff account (for the outbox page at /staff/outbox):");
        Console.WriteLine($"  email:    {email}");
        Console.WriteLine($"  password: {password}");
        Console.WriteLine("  The first sign-in sets up an authenticator app (any TOTP app) for the account.");
        Console.WriteLine();
    }
}
