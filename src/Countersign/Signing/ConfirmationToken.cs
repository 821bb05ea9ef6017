using System.Security.Cryptography;
using System.Text;

namespace Countersign.Signing;

/// <summary>
/// The secret in a confirmation link: 32 random bytes, URL-safe. Only its SHA-256 is stored,
/// so a copy of the database cannot confirm anyone's signature.
/// </summary>
public static class ConfirmationToken
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public static (string Token, byte[] Hash) Create()
    {
        var token = Base64Url(RandomNumberGenerator.GetBytes(32));
        return (token, Hash(token));
    }

    public static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    /// <summary>Tokens we issue are 43 URL-safe characters; anything else is not worth a lookup.</summary>
    public static bool LooksValid(string? token) =>
        token is { Length: 43 } && token.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
