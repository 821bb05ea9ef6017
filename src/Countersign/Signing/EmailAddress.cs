using System.Collections.Frozen;
using System.Text.RegularExpressions;

namespace Countersign.Signing;

/// <summary>Email address rules shared by the signing form and duplicate detection.</summary>
public static partial class EmailAddress
{
    private static readonly FrozenSet<string> GmailDomains = FrozenSet.Create(StringComparer.Ordinal, "gmail.com", "googlemail.com");

    // Before TagIgnoringDomains, which reads it as it is made.
    private static readonly string[] FastmailDomains = ["fastmail.com", "fastmail.fm"];

    /// <summary>
    /// Mail services whose delivery ignores a "+tag" after the mailbox name (RFC 5233 sub-addressing),
    /// so that name+tag@ reaches the same person as name@. Only those it is documented for:
    /// <list type="bullet">
    /// <item>Gmail, which ignores dots too: https://support.google.com/mail/answer/7436150 and
    /// the Gmail blog's "2 hidden ways to get more from your Gmail address" (March 2008).</item>
    /// <item>Outlook.com, whose domains (Hotmail, Live, MSN and their national ones) are one service:
    /// plus addresses since 2013, https://office-watch.com/2022/email-plus-addresses-how-to-use-them/
    /// (Microsoft documents plus addressing only for Exchange Online, its business service).</item>
    /// <item>iCloud Mail (icloud.com, and the older me.com and mac.com): receive-only "+" address
    /// tags, Mynavi News, 8 October 2014, https://news.mynavi.jp/article/20141008-icloud/4 (Apple's
    /// own pages describe only its aliases).</item>
    /// <item>Proton Mail: "+aliases" on every Proton domain, https://proton.me/support/creating-aliases.</item>
    /// <item>Fastmail: plus and subdomain addressing (anything@name.fastmail.com is name+anything),
    /// https://www.fastmail.help/hc/en-us/articles/360060591053.</item>
    /// </list>
    /// Left out: Yahoo, whose disposable addresses put a "-" after a base name chosen apart from
    /// the mailbox's, so the part before it names nobody; GMX, web.de, Yandex, Zoho, mailbox.org and
    /// Posteo, for which no documentation was found. Any other domain, a company's or a
    /// university's, may or may not ignore tags: its addresses count as typed.
    /// </summary>
    private static readonly FrozenSet<string> TagIgnoringDomains = FrozenSet.Create(StringComparer.Ordinal,
        "gmail.com", "googlemail.com",
        "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr", "hotmail.co.uk", "live.com", "live.fr", "live.co.uk", "msn.com",
        "icloud.com", "me.com", "mac.com",
        "proton.me", "protonmail.com", "protonmail.ch", "pm.me",
        FastmailDomains[0], FastmailDomains[1]);

    /// <summary>A plausible deliverable address: one @, a dotted domain, no spaces or display name.</summary>
    public static bool IsValid(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > Signature.EmailMaxLength)
        {
            return false;
        }

        var trimmed = value.Trim();
        if (trimmed.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || trimmed.Count(c => c == '@') != 1)
        {
            return false;
        }

        var at = trimmed.IndexOf('@', StringComparison.Ordinal);
        var domain = trimmed[(at + 1)..];
        if (at == 0 || !domain.Contains('.', StringComparison.Ordinal) || domain.StartsWith('.') || domain.EndsWith('.'))
        {
            return false;
        }

        return Address().IsMatch(trimmed);
    }

    /// <summary>
    /// The form of an address used to recognise the same person, and only for that (the duplicate
    /// key): trimmed and lower-cased; at the services of <see cref="TagIgnoringDomains"/>, without
    /// a +tag; for Gmail, without dots either, and googlemail.com becomes gmail.com. Emails always
    /// go to the address as the person typed it.
    /// </summary>
    public static string Normalise(string value)
    {
        var address = value.Trim().ToLowerInvariant();
        var at = address.LastIndexOf('@');
        if (at < 0)
        {
            return address;
        }

        var local = address[..at];
        var domain = address[(at + 1)..];
        if (FastmailSubdomain(domain) is var (name, fastmail))
        {
            (local, domain) = (name, fastmail);
        }

        if (!TagIgnoringDomains.Contains(domain))
        {
            return address;
        }

        // A mailbox name is never empty: "+tag@" stays as it is.
        var plus = local.IndexOf('+', StringComparison.Ordinal);
        if (plus > 0)
        {
            local = local[..plus];
        }

        return GmailDomains.Contains(domain) ? local.Replace(".", "", StringComparison.Ordinal) + "@gmail.com" : $"{local}@{domain}";
    }

    /// <summary>For anything@name.fastmail.com, the mailbox it reaches: (name, fastmail.com).</summary>
    private static (string Name, string Domain)? FastmailSubdomain(string domain)
    {
        foreach (var fastmail in FastmailDomains)
        {
            if (domain.EndsWith("." + fastmail, StringComparison.Ordinal) && domain[..^(fastmail.Length + 1)] is { Length: > 0 } name && !name.Contains('.', StringComparison.Ordinal))
            {
                return (name, fastmail);
            }
        }

        return null;
    }

    /// <summary>
    /// A dot-atom local part and a dotted domain, letters of any script allowed (internationalised
    /// addresses), no quoted forms, comments or IP literals: what people actually type.
    /// </summary>
    [GeneratedRegex(@"^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?(\.[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?)+$")]
    private static partial Regex Address();
}
