using System.Text.RegularExpressions;

namespace Countersign.Signing;

/// <summary>Email address rules shared by the signing form and duplicate detection.</summary>
public static partial class EmailAddress
{
    private static readonly HashSet<string> GmailDomains = ["gmail.com", "googlemail.com"];

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
    /// The form of an address used to recognise the same person: trimmed and lower-cased; for Gmail,
    /// whose servers ignore dots and +tags, those are removed and googlemail.com becomes gmail.com.
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
        if (!GmailDomains.Contains(domain))
        {
            return address;
        }

        var plus = local.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            local = local[..plus];
        }

        return local.Replace(".", "", StringComparison.Ordinal) + "@gmail.com";
    }

    /// <summary>
    /// A dot-atom local part and a dotted domain, letters of any script allowed (internationalised
    /// addresses), no quoted forms, comments or IP literals: what people actually type.
    /// </summary>
    [GeneratedRegex(@"^[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+(\.[\p{L}\p{N}!#$%&'*+/=?^_`{|}~-]+)*@[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?(\.[\p{L}\p{N}]([\p{L}\p{N}-]*[\p{L}\p{N}])?)+$")]
    private static partial Regex Address();
}
