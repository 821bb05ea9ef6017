using System.Security.Cryptography;
using System.Text;
using Countersign.Privacy;

namespace Countersign.Signing;

/// <summary>
/// The secret in a confirmation link. It is derived with the server's key from the signature's
/// campaign, email key and expiry, so signing twice (a double click, a lost email) sends the same
/// working link again; only its SHA-256 is stored, so a copy of the database confirms nothing.
/// </summary>
public static class ConfirmationToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>A link with less than this left is replaced rather than sent again.</summary>
    public static readonly TimeSpan MinimumRemaining = TimeSpan.FromDays(1);

    /// <summary>Expiry times are whole seconds, so they survive every database's timestamp precision.</summary>
    public static DateTime ExpiryFrom(DateTime now)
    {
        var expires = now + Lifetime;
        return new DateTime(expires.Ticks - (expires.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
    }

    public static string Create(PersonalDataProtector protector, int campaignId, byte[] emailKey, DateTime expiresAt)
    {
        var data = new byte[sizeof(int) + emailKey.Length + sizeof(long)];
        BitConverter.TryWriteBytes(data, campaignId);
        emailKey.CopyTo(data, sizeof(int));
        BitConverter.TryWriteBytes(data.AsSpan(sizeof(int) + emailKey.Length), expiresAt.Ticks);
        return Base64Url(protector.KeyedHash("confirmation-token", data));
    }

    /// <summary>
    /// A random token of the same form, for what a person may send more than once on purpose (a
    /// second comment): each gets its own link, and nothing needs deriving again.
    /// </summary>
    public static string NewRandom() => Base64Url(RandomNumberGenerator.GetBytes(32));

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Tokens we issue are 43 URL-safe characters; anything else is not worth a lookup.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
