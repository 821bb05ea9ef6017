using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Privacy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OtpNet;
using QRCoder;

namespace Countersign.Staff;

/// <summary>
/// The authenticator app (TOTP, RFC 6238: 6 digits, 30 s, SHA-1, as every app supports) and the
/// recovery codes. Unlike Identity's own authenticator check, a code is accepted only for a time
/// step later than the last one accepted, so a code seen over someone's shoulder or replayed
/// from a log is useless once used.
/// </summary>
public sealed class StaffAuthenticator(CountersignDb db, PersonalDataProtector protector, IDataProtectionProvider dataProtection, IOptions<SiteOptions> site, TimeProvider clock)
{
    public const int RecoveryCodeCount = 10;
    private const int KeyBytes = 20;
    private const string RecoveryCodePurpose = "staff-recovery-code";

    // Recovery codes avoid letters that read alike (0/o, 1/l/i).
    private const string RecoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz";

    public enum CodeResult
    {
        Accepted,
        Wrong,

        /// <summary>Right code, but its time step was already used: wait for the next one.</summary>
        AlreadyUsed,
    }

    /// <summary>A fresh 160-bit shared secret (the size RFC 4226 recommends).</summary>
    public static byte[] NewKey() => RandomNumberGenerator.GetBytes(KeyBytes);

    /// <summary>The key as people type it into an app: base32 in groups of four.</summary>
    public static string FormatKey(byte[] key)
    {
        var base32 = Base32Encoding.ToString(key).TrimEnd('=');
        return string.Join(' ', base32.Chunk(4).Select(group => new string(group)));
    }

    public string Issuer => site.Value.Name == "Countersign" ? "Countersign" : $"Countersign ({site.Value.Name.Replace(':', ' ')})";

    /// <summary>The otpauth:// URI that authenticator apps read from the QR code.</summary>
    public string OtpAuthUri(string email, byte[] key)
    {
        var issuer = Uri.EscapeDataString(Issuer);
        return $"otpauth://totp/{issuer}:{Uri.EscapeDataString(email)}?secret={Base32Encoding.ToString(key).TrimEnd('=')}&issuer={issuer}&algorithm=SHA1&digits=6&period=30";
    }

    /// <summary>
    /// The QR code as one inline SVG path: no image request, nothing for the Content-Security-Policy
    /// to allow, and no style attribute (which the policy forbids).
    /// </summary>
    public static string QrCodeSvg(string text, string label)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var size = data.ModuleMatrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (data.ModuleMatrix[y][x])
                {
                    path.Append(CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
                }
            }
        }

        var escaped = System.Net.WebUtility.HtmlEncode(label);
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr-code\" viewBox=\"0 0 {size} {size}\" width=\"{size * 5}\" height=\"{size * 5}\" role=\"img\" aria-label=\"{escaped}\" shape-rendering=\"crispEdges\"><rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>";
    }

    /// <summary>What an enrolment page shows for a new key, and the key itself sealed for its form.</summary>
    public sealed record Offer(string Email, string FormattedKey, string OtpAuthUri, string QrCodeSvg, string SealedKey);

    public Offer OfferKey(StaffUser user, byte[] key, string qrCodeLabel)
    {
        var uri = OtpAuthUri(user.Email ?? "", key);
        return new(user.Email ?? "", FormatKey(key), uri, QrCodeSvg(uri, qrCodeLabel), ProtectNewKey(user, key));
    }

    public byte[] EncryptKey(byte[] key) => protector.Encrypt(key);

    /// <summary>
    /// A key offered on an enrolment page travels in the form until a code confirms it, so nothing
    /// half-enrolled is ever stored. It is encrypted and bound to the user and their security
    /// stamp, so it cannot be read from the page source's copy or planted for another account.
    /// </summary>
    public string ProtectNewKey(StaffUser user, byte[] key) =>
        WebEncoders.Base64UrlEncode(NewKeyProtector(user).Protect(key));

    public byte[]? UnprotectNewKey(StaffUser user, string? protectedKey)
    {
        if (string.IsNullOrEmpty(protectedKey))
        {
            return null;
        }

        try
        {
            return NewKeyProtector(user).Unprotect(WebEncoders.Base64UrlDecode(protectedKey));
        }
        catch (Exception exception) when (exception is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private IDataProtector NewKeyProtector(StaffUser user) =>
        dataProtection.CreateProtector("Countersign.Staff.NewAuthenticatorKey", user.Id.ToString(CultureInfo.InvariantCulture), user.SecurityStamp ?? "");

    /// <summary>Checks a code against the user's enrolled key and, if right, spends its time step.</summary>
    public Task<CodeResult> VerifyAsync(StaffUser user, string code, CancellationToken cancellationToken) =>
        user.AuthenticatorKey is null
            ? Task.FromResult(CodeResult.Wrong)
            : VerifyAsync(user, protector.Decrypt(user.AuthenticatorKey), code, cancellationToken);

    /// <summary>Checks a code against <paramref name="key"/> (the enrolled one, or one being enrolled) and spends its time step.</summary>
    public async Task<CodeResult> VerifyAsync(StaffUser user, byte[] key, string code, CancellationToken cancellationToken)
    {
        var digits = NormaliseCode(code);
        if (digits.Length != 6 || !digits.All(char.IsAsciiDigit))
        {
            return CodeResult.Wrong;
        }

        // One step either side for clocks that drift and codes typed as they change. The time is
        // the site's clock (TimeProvider), never Otp.NET's own reading of the system clock.
        var totp = new Totp(key);
        if (!totp.VerifyTotp(clock.GetUtcNow().UtcDateTime, digits, out var step, new VerificationWindow(previous: 1, future: 1)))
        {
            return CodeResult.Wrong;
        }

        // One statement decides: of two requests with the same code at the same moment, the
        // database lets exactly one move the step forward.
        var spent = await db.StaffUsers.Where(u => u.Id == user.Id && u.LastTotpStep < step)
            .ExecuteUpdateAsync(set => set.SetProperty(u => u.LastTotpStep, step), cancellationToken);
        if (spent == 0)
        {
            return CodeResult.AlreadyUsed;
        }

        user.LastTotpStep = step;
        MarkSaved(user);
        return CodeResult.Accepted;
    }

    /// <summary>Stores a confirmed key, unless another request enrolled a key first.</summary>
    public async Task<bool> EnrolAsync(StaffUser user, byte[] key, bool replace, CancellationToken cancellationToken)
    {
        var encrypted = EncryptKey(key);
        var query = db.StaffUsers.Where(u => u.Id == user.Id);
        if (!replace)
        {
            query = query.Where(u => u.AuthenticatorKey == null);
        }

        // A new security stamp ends every other session and half-finished sign-in of this account.
        // A new concurrency stamp makes Identity refuse to save a copy of this user loaded before
        // now, which would write the old key back.
        var stamp = StaffUser.NewSecurityStamp();
        var concurrency = Guid.NewGuid().ToString();
        var stored = await query.ExecuteUpdateAsync(
            set => set.SetProperty(u => u.AuthenticatorKey, encrypted).SetProperty(u => u.TwoFactorEnabled, true)
                .SetProperty(u => u.SecurityStamp, stamp).SetProperty(u => u.ConcurrencyStamp, concurrency),
            cancellationToken);
        if (stored == 1)
        {
            user.AuthenticatorKey = encrypted;
            user.TwoFactorEnabled = true;
            user.SecurityStamp = stamp;
            user.ConcurrencyStamp = concurrency;
            MarkSaved(user);
        }

        return stored == 1;
    }

    /// <summary>Replaces the user's recovery codes with new ones, returned once for the person to keep.</summary>
    public async Task<IReadOnlyList<string>> NewRecoveryCodesAsync(StaffUser user, CancellationToken cancellationToken)
    {
        var codes = Enumerable.Range(0, RecoveryCodeCount).Select(_ => NewRecoveryCode()).ToList();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.StaffRecoveryCodes.Where(c => c.UserId == user.Id).ExecuteDeleteAsync(cancellationToken);
        db.StaffRecoveryCodes.AddRange(codes.Select(code => new StaffRecoveryCode { UserId = user.Id, CodeHash = HashRecoveryCode(code) }));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return codes;
    }

    /// <summary>Uses up a recovery code: deleting its row is what makes it work once, even for two requests at once.</summary>
    public async Task<bool> RedeemRecoveryCodeAsync(StaffUser user, string code, CancellationToken cancellationToken)
    {
        var normalised = NormaliseCode(code).ToLowerInvariant();
        if (normalised.Length != 10)
        {
            return false;
        }

        var hash = HashRecoveryCode(normalised);
        return await db.StaffRecoveryCodes.Where(c => c.UserId == user.Id && c.CodeHash == hash).ExecuteDeleteAsync(cancellationToken) == 1;
    }

    public Task<int> RecoveryCodesLeftAsync(StaffUser user, CancellationToken cancellationToken) =>
        db.StaffRecoveryCodes.CountAsync(c => c.UserId == user.Id, cancellationToken);

    /// <summary>Whether what was typed looks like a recovery code rather than an app's 6 digits.</summary>
    public static bool IsRecoveryCode(string code) => NormaliseCode(code).Length == 10;

    private static string NormaliseCode(string code) =>
        new(code.Where(c => !char.IsWhiteSpace(c) && c != '-').ToArray());

    private static string NewRecoveryCode()
    {
        var chars = new char[10];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = RecoveryAlphabet[RandomNumberGenerator.GetInt32(RecoveryAlphabet.Length)];
        }

        return $"{new string(chars, 0, 5)}-{new string(chars, 5, 5)}";
    }

    // Keyed with the site's hashing key: 50 random bits each are plenty against guessing online,
    // and a leaked database alone does not let anyone test guesses offline.
    private byte[] HashRecoveryCode(string code) =>
        protector.KeyedHash(RecoveryCodePurpose, Encoding.UTF8.GetBytes(NormaliseCode(code).ToLowerInvariant()));

    /// <summary>
    /// The database already holds what a single UPDATE just wrote; the copy this request tracks
    /// takes those values as saved, so a later SaveChanges does not try to write them again
    /// (and fail on the concurrency stamp that UPDATE changed).
    /// </summary>
    private void MarkSaved(StaffUser user) => db.MarkSaved(user);

}
