using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Countersign.Campaigns;

/// <summary>
/// ISO 3166-1 alpha-2 countries with their names in each supported language, from the
/// i18n-iso-countries data embedded at build time.
/// </summary>
public static class Countries
{
    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> NamesByLanguage =
        new[] { "en", "fr" }.ToFrozenDictionary(language => language, Load);

    private static readonly FrozenDictionary<string, IReadOnlyList<Country>> SortedByLanguage =
        NamesByLanguage.ToFrozenDictionary(pair => pair.Key, pair => Sort(pair.Key, pair.Value));

    public static bool Exists(string? code) => code is { Length: 2 } && NamesByLanguage["en"].ContainsKey(code);

    /// <summary>The country's name in the current UI language (English when it has none).</summary>
    public static string Name(string code) =>
        Names().TryGetValue(code, out var name) ? name : NamesByLanguage["en"].GetValueOrDefault(code, code);

    /// <summary>Every country, sorted by its name in the current UI language, for the signing form.</summary>
    public static IReadOnlyList<Country> All() =>
        SortedByLanguage.TryGetValue(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, out var list) ? list : SortedByLanguage["en"];

    private static FrozenDictionary<string, string> Names() =>
        NamesByLanguage.TryGetValue(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, out var names) ? names : NamesByLanguage["en"];

    private static IReadOnlyList<Country> Sort(string language, FrozenDictionary<string, string> names)
    {
        var comparer = StringComparer.Create(CultureInfo.GetCultureInfo(language), CompareOptions.IgnoreCase);
        return names.Select(pair => new Country(pair.Key, pair.Value)).OrderBy(c => c.Name, comparer).ToList();
    }

    private static FrozenDictionary<string, string> Load(string language)
    {
        using var stream = typeof(Countries).Assembly.GetManifestResourceStream($"Countersign.Countries.{language}.json")
            ?? throw new InvalidOperationException($"Country names for '{language}' are missing from the build (run npm ci).");
        using var document = JsonDocument.Parse(stream);

        // A country has either one name or a list whose first entry is the usual one.
        return document.RootElement.GetProperty("countries").EnumerateObject().ToFrozenDictionary(
            country => country.Name,
            country => country.Value.ValueKind == JsonValueKind.Array ? country.Value[0].GetString()! : country.Value.GetString()!);
    }
}

public sealed record Country(string Code, string Name);
