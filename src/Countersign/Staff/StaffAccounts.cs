using System.Security.Cryptography;
using Countersign.Data;
using Countersign.Signing;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Staff;

/// <summary>Creating staff accounts and checking their passwords, shared by the CLI, the demo and the login page.</summary>
public sealed class StaffAccounts(CountersignDb db, TimeProvider clock)
{
    private readonly PasswordHasher<StaffUser> _hasher = new();

    /// <summary>Adds an account, or returns a message saying why not.</summary>
    public async Task<string?> AddAsync(string email, string password, bool isAdmin, CancellationToken cancellationToken)
    {
        var address = email.Trim();
        if (!EmailAddress.IsValid(address))
        {
            return $"'{address}' is not a valid email address.";
        }

        if (password.Length < StaffUser.MinimumPasswordLength)
        {
            return $"The password must be at least {StaffUser.MinimumPasswordLength} characters long.";
        }

        var normalised = address.ToLowerInvariant();
        if (await db.StaffUsers.AnyAsync(u => u.Email == normalised, cancellationToken))
        {
            return $"A staff account for {normalised} already exists.";
        }

        var user = new StaffUser { Email = normalised, PasswordHash = "", IsAdmin = isAdmin, CreatedAt = clock.GetUtcNow().UtcDateTime };
        user.PasswordHash = _hasher.HashPassword(user, password);
        db.StaffUsers.Add(user);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task<StaffUser?> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var normalised = email.Trim().ToLowerInvariant();
        var user = await db.StaffUsers.FirstOrDefaultAsync(u => u.Email == normalised, cancellationToken);
        if (user is null)
        {
            // Spend the same effort as a real check, so timing does not reveal which accounts exist.
            _hasher.VerifyHashedPassword(new StaffUser { Email = "", PasswordHash = "" }, DummyHash, password);
            return null;
        }

        return _hasher.VerifyHashedPassword(user, user.PasswordHash, password) == PasswordVerificationResult.Failed ? null : user;
    }

    /// <summary>The demo's staff account, so someone trying Countersign can open the outbox; its password is printed once.</summary>
    public async Task EnsureDemoAccountAsync(string email, CancellationToken cancellationToken)
    {
        if (await db.StaffUsers.AnyAsync(u => u.Email == email, cancellationToken))
        {
            return;
        }

        var password = Convert.ToBase64String(RandomNumberGenerator.GetBytes(12)).Replace('+', 'x').Replace('/', 'y');
        await AddAsync(email, password, isAdmin: true, cancellationToken);

        // Printed on the console, not logged: it is the one way for the person at the keyboard to learn it.
        Console.WriteLine();
        Console.WriteLine("Demo staff account (for the outbox page at /staff/outbox):");
        Console.WriteLine($"  email:    {email}");
        Console.WriteLine($"  password: {password}");
        Console.WriteLine();
    }

    private static readonly string DummyHash = new PasswordHasher<StaffUser>().HashPassword(new StaffUser { Email = "", PasswordHash = "" }, "not a real password");
}
