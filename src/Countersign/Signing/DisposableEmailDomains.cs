using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Countersign.Signing;

/// <summary>
/// Domains of throwaway mail services, whose addresses let one person confirm any number of
/// signatures. The list is the npm package disposable-email-domains (MIT), restored by npm ci and
/// embedded at build time: updating it is a package update, never a hand edit.
/// </summary>
public static class DisposableEmailDomains
{
    private static readonly Lazy<FrozenSet<string>> Domains = new(() => Load("Countersign.DisposableEmailDomains.json"));

    /// <summary>Services that hand out any subdomain (the package's wildcard list).</summary>
    private static readonly Lazy<FrozenSet<string>> AnySubdomainOf = new(() => Load("Countersign.DisposableEmailWildcards.json"));

    /// <summary>
    /// Whether the address's domain, or a domain it belongs to, is a throwaway service: the list
    /// names registrable domains, and x.mailinator.com is as disposable as mailinator.com.
    /// </summary>
    public static bool IsDisposable(string emailAddress)
    {
        var at = emailAddress.LastIndexOf('@');
        if (at < 0)
        {
            return false;
        }

        var domain = emailAddress[(at + 1)..].Trim().TrimEnd('.').ToLowerInvariant();
        try
        {
            domain = new IdnMapping().GetAscii(domain);
        }
        catch (ArgumentException)
        {
            return false; // not a domain at all; the address check refuses it
        }

        for (var suffix = domain; suffix.Contains('.', StringComparison.Ordinal); suffix = suffix[(suffix.IndexOf('.', StringComparison.Ordinal) + 1)..])
        {
            if (Domains.Value.Contains(suffix) || AnySubdomainOf.Value.Contains(suffix))
            {
                return true;
            }
        }

        return false;
    }

    private static FrozenSet<string> Load(string resource)
    {
        using var stream = typeof(DisposableEmailDomains).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The build did not embed {resource}: run npm ci in the repository root.");
        var domains = JsonSerializer.Deserialize<string[]>(stream) ?? [];
        return domains.Select(d => d.Trim().ToLowerInvariant()).Where(d => d.Length > 0).ToFrozenSet(StringComparer.Ordinal);
    }
}
