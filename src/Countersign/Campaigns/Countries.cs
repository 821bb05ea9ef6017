using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;

namespace Countersign.Campaigns;

/// <summary>
/// The countries and territories of ISO 3166-1 (codes from i18n-iso-countries), named as Unicode
/// CLDR names them in each supported language: the short names people use ("China", "North
/// Macedonia") rather than the official long ones, which sort under "People's…" and "The…". Both
/// come from npm packages embedded at build time.
/// </summary>
public static class Countries
{
    private static readonly string[] Languages = ["en", "fr"];

    private static readonly FrozenSet<string> Codes = LoadCodes();

    private static readonly FrozenDictionary<string, FrozenDictionary<string, string>> NamesByLanguage =
        Languages.ToFrozenDictionary(language => language, LoadNames);

    private static readonly FrozenDictionary<string, IReadOnlyList<Country>> SortedByLanguage =
        NamesByLanguage.ToFrozenDictionary(pair => pair.Key, pair => Sort(pair.Key, pair.Value));

    public static bool Exists(string? code) => code is { Length: 2 } && Codes.Contains(code);

    /// <summary>The country's name in the current UI language (English when it has none).</summary>
    public static string Name(string code) =>
        Names().TryGetValue(code, out var name) ? name : NamesByLanguage["en"].GetValueOrDefault(code, code);

    /// <summary>Every country, in the order of the current UI language's alphabet (Égypte among the E in French), for the signing form.</summary>
    public static IReadOnlyList<Country> All() =>
        SortedByLanguage.TryGetValue(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, out var list) ? list : SortedByLanguage["en"];

    private static FrozenDictionary<string, string> Names() =>
        NamesByLanguage.TryGetValue(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName, out var names) ? names : NamesByLanguage["en"];

    /// <summary>Sorted by the language's collation, which puts accented letters with their base letter.</summary>
    private static IReadOnlyList<Country> Sort(string language, FrozenDictionary<string, string> names)
    {
        var comparer = StringComparer.Create(CultureInfo.GetCultureInfo(language), CompareOptions.IgnoreCase);
        return names.Select(pair => new Country(pair.Key, pair.Value)).OrderBy(c => c.Name, comparer).ToList();
    }

    /// <summary>The ISO codes only: CLDR also names regions that are not countries ("EU", "UN", "QO", "001").</summary>
    private static FrozenSet<string> LoadCodes()
    {
        using var document = JsonDocument.Parse(Resource("Countersign.CountryCodes.json"));
        return document.RootElement.GetProperty("countries").EnumerateObject().Select(country => country.Name).ToFrozenSet(StringComparer.Ordinal);
    }

    private static FrozenDictionary<string, string> LoadNames(string language)
    {
        using var document = JsonDocument.Parse(Resource($"Countersign.Territories.{language}.json"));
        var territories = document.RootElement.GetProperty("main").GetProperty(language).GetProperty("localeDisplayNames").GetProperty("territories");

        // Alternative names have their own keys ("GB-alt-short"); the plain key holds the usual name.
        var names = territories.EnumerateObject().Where(territory => Codes.Contains(territory.Name))
            .ToFrozenDictionary(territory => territory.Name, territory => territory.Value.GetString()!, StringComparer.Ordinal);
        var unnamed = Codes.Except(names.Keys).ToList();
        return unnamed.Count == 0 ? names : throw new InvalidOperationException($"CLDR names no {language} name for {string.Join(", ", unnamed)}.");
    }

    private static Stream Resource(string name) =>
        typeof(Countries).Assembly.GetManifestResourceStream(name)
        ?? throw new InvalidOperationException($"The build did not embed {name}: run npm ci in the repository root.");
}

public sealed record Country(string Code, string Name);
