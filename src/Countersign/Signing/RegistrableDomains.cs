using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Countersign.Signing;

/// <summary>
/// The registrable domain of a host name (mail.campus.example.ac.uk → example.ac.uk), by the
/// Public Suffix List's algorithm: the longest matching rule, wildcards and exceptions included.
/// The list comes from the npm package psl, embedded at build time. Limits per email domain use
/// it, so a flood from a thousand subdomains of one domain counts as one domain.
/// </summary>
public static class RegistrableDomains
{
    private static readonly Lazy<FrozenSet<string>> Rules = new(Load);

    /// <summary>The registrable domain, lower-case; the input itself when it is a public suffix or not a domain at all.</summary>
    public static string Of(string host)
    {
        var domain = host.Trim().TrimEnd('.').ToLowerInvariant();
        try
        {
            // The list writes internationalised rules in Unicode.
            var idn = new IdnMapping();
            domain = idn.GetUnicode(idn.GetAscii(domain));
        }
        catch (ArgumentException)
        {
            return domain;
        }

        var labels = domain.Split('.');
        var rules = Rules.Value;

        // Without a listed rule, the public suffix is the last label (the list's implicit "*").
        var suffixStart = labels.Length - 1;
        for (var i = 0; i < labels.Length; i++)
        {
            var candidate = string.Join('.', labels[i..]);
            if (rules.Contains("!" + candidate))
            {
                suffixStart = i + 1;
                break;
            }

            if (rules.Contains(candidate) || (i + 1 < labels.Length && rules.Contains("*." + string.Join('.', labels[(i + 1)..]))))
            {
                suffixStart = i;
                break;
            }
        }

        return suffixStart == 0 ? domain : string.Join('.', labels[(suffixStart - 1)..]);
    }

    private static FrozenSet<string> Load()
    {
        const string resource = "Countersign.PublicSuffixRules.js";
        using var stream = typeof(RegistrableDomains).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The build did not embed {resource}: run npm ci in the repository root.");
        using var reader = new StreamReader(stream);

        // The file is an ES module exporting one array of strings: the array is plain JSON.
        var module = reader.ReadToEnd();
        var array = module[module.IndexOf('[', StringComparison.Ordinal)..(module.LastIndexOf(']') + 1)];
        return (JsonSerializer.Deserialize<string[]>(array) ?? []).Select(rule => rule.ToLowerInvariant()).ToFrozenSet(StringComparer.Ordinal);
    }
}
