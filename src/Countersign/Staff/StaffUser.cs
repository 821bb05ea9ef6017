using Microsoft.AspNetCore.Identity;

namespace Countersign.Staff;

/// <summary>
/// Someone who runs the site: an ASP.NET Core Identity user whose user name is their email
/// address, with a mandatory authenticator app (see <see cref="StaffAuthenticator"/>).
/// </summary>
public sealed class StaffUser : IdentityUser<int>
{
    /// <summary>As for signers: <see cref="Signing.EmailAddress.IsValid"/> refuses anything longer.</summary>
    public const int EmailMaxLength = Signing.Signature.EmailMaxLength;
    public const int MinimumPasswordLength = 12;

    public DateTime CreatedAt { get; set; }

    /// <summary>The authenticator app's shared secret, encrypted with the site's master key; null until enrolled.</summary>
    public byte[]? AuthenticatorKey { get; set; }

    /// <summary>
    /// The latest TOTP time step (Unix time / 30 s) a code was accepted for: a code is accepted
    /// only for a later step, so each code works once. Changed only by one conditional UPDATE.
    /// </summary>
    public long LastTotpStep { get; set; }

    /// <summary>
    /// When an admin disabled the account: it cannot sign in, and its sessions ended then (the
    /// security stamp changed with it). Null while the account is in use.
    /// </summary>
    public DateTime? DisabledAt { get; set; }

    public bool HasAuthenticator => AuthenticatorKey is not null;

    public bool IsDisabled => DisabledAt is not null;

    /// <summary>
    /// A new security stamp: written to an account, it ends every session and half-finished
    /// sign-in of it, since each carries the stamp it began with (see <see cref="StaffSignIn.ValidateAsync"/>).
    /// </summary>
    public static string NewSecurityStamp() => Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
}

/// <summary>A recovery code's keyed hash; the row is deleted when the code is used.</summary>
public sealed class StaffRecoveryCode
{
    public int UserId { get; set; }
    public required byte[] CodeHash { get; set; }
}
