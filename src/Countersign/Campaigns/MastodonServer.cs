using System.Globalization;
using System.Text.RegularExpressions;

namespace Countersign.Campaigns;

/// <summary>
/// The Mastodon server a person posts from, such as mastodon.social, typed by them. The site only sends their
/// browser there and never fetches anything from it; still, only a plain DNS name is taken, so the address it
/// builds can lead nowhere else (no path, port, user name, IP address or single-label intranet name).
/// </summary>
public sealed partial record MastodonServer
{
    /// <summary>A DNS name's longest text form.</summary>
    public const int MaxLength = 253;

    private MastodonServer(string host) => Host = host;

    /// <summary>The server's name in lower case, internationalised names in their ASCII (Punycode) form.</summary>
    public string Host { get; }

    /// <summary>
    /// The server named by what a person typed, or null. The forms people copy from their profile are taken
    /// too: the address (https://mastodon.social/) or the handle (@someone@mastodon.social), for its server.
    /// </summary>
    public static MastodonServer? Parse(string? typed)
    {
        var name = typed?.Trim() ?? "";
        if (name.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            name = name["https://".Length..].TrimEnd('/');
        }

        name = name[(name.LastIndexOf('@') + 1)..];
        if (name.Length is 0 or > MaxLength)
        {
            return null;
        }

        try
        {
            name = new IdnMapping { UseStd3AsciiRules = true }.GetAscii(name).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            return null;
        }

        return DnsName().IsMatch(name) ? new MastodonServer(name) : null;
    }

    /// <summary>
    /// Two labels or more of letters, digits and inner hyphens, 63 characters at most each; the last starts
    /// with a letter, as every top-level domain does, which also refuses IPv4 addresses.
    /// </summary>
    [GeneratedRegex(@"^(?=.{4,253}\z)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?\z", RegexOptions.CultureInvariant)]
    private static partial Regex DnsName();
}
