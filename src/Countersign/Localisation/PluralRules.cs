using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Countersign.Localisation;

/// <summary>
/// A language's cardinal plural rules: which of CLDR's categories (zero, one, two, few, many, other)
/// a count falls in. The rules are Unicode CLDR's own, from the npm package cldr-core
/// (supplemental/plurals.json), embedded at build time: French puts 0 and 1 in "one" and whole
/// millions in "many"; Arabic has all six. Only whole numbers are counted here, so of the rules'
/// operands n and i are the count's absolute value and the fraction and exponent ones (v, w, f, t,
/// c, e) are 0.
/// </summary>
public sealed partial class PluralRules
{
    public const string Other = "other";

    private static readonly Lazy<FrozenDictionary<string, PluralRules>> ByLanguage = new(Load);

    private readonly IReadOnlyList<(string Category, Func<long, bool> Applies)> _rules;

    private PluralRules(string language, IReadOnlyList<(string Category, Func<long, bool> Applies)> rules, IReadOnlyList<string> categories)
    {
        Language = language;
        _rules = rules;
        Categories = categories;
    }

    /// <summary>The language whose rules these are, as CLDR names it ("fr", "pt-PT").</summary>
    public string Language { get; }

    /// <summary>
    /// The categories a count can fall in, "other" last: the forms a message in this language must
    /// offer. English has one and other; French one, many and other.
    /// </summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>
    /// The rules of a language ("fr", "fr-CA", "pt-PT"): its own where CLDR has them, else its base
    /// language's; a language CLDR does not know has only "other".
    /// </summary>
    public static PluralRules For(string language)
    {
        var rules = ByLanguage.Value;
        return rules.GetValueOrDefault(language)
            ?? rules.GetValueOrDefault(language.Split('-')[0])
            ?? new PluralRules(language, [], [Other]);
    }

    /// <summary>The category of a count.</summary>
    public string Select(long count)
    {
        foreach (var (category, applies) in _rules)
        {
            if (applies(count))
            {
                return category;
            }
        }

        return Other;
    }

    private static FrozenDictionary<string, PluralRules> Load()
    {
        const string resource = "Countersign.PluralRules.json";
        using var stream = typeof(PluralRules).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The build did not embed {resource}: run npm ci in the repository root.");
        using var document = JsonDocument.Parse(stream);
        var languages = document.RootElement.GetProperty("supplemental").GetProperty("plurals-type-cardinal");
        return languages.EnumerateObject().ToFrozenDictionary(language => language.Name, language => Parse(language.Name, language.Value));
    }

    /// <summary>One language's rules, written like "pluralRule-count-one": "i = 0,1 @integer 0, 1 @decimal 0.0~1.5".</summary>
    private static PluralRules Parse(string language, JsonElement descriptions)
    {
        var rules = new List<(string, Func<long, bool>)>();
        var categories = new List<string>();
        foreach (var description in descriptions.EnumerateObject())
        {
            var category = description.Name["pluralRule-count-".Length..];
            var text = description.Value.GetString()!;
            var samplesAt = text.IndexOf('@', StringComparison.Ordinal);
            var condition = (samplesAt < 0 ? text : text[..samplesAt]).Trim();

            // CLDR lists sample whole numbers for every category a whole number can fall in.
            if (category == Other || text.Contains("@integer", StringComparison.Ordinal))
            {
                categories.Add(category);
            }

            if (category != Other)
            {
                rules.Add((category, Condition(condition)));
            }
        }

        categories.Remove(Other);
        categories.Add(Other);
        return new PluralRules(language, rules, categories);
    }

    /// <summary>A rule's condition: relations joined by "and", alternatives by "or", as in "n % 100 = 3..10 or v = 0 and i != 1".</summary>
    private static Func<long, bool> Condition(string condition)
    {
        var alternatives = condition.Split(" or ", StringSplitOptions.TrimEntries)
            .Select(alternative => alternative.Split(" and ", StringSplitOptions.TrimEntries).Select(Relation).ToArray())
            .ToArray();
        return count => alternatives.Any(relations => relations.All(relation => relation(count)));
    }

    private static Func<long, bool> Relation(string relation)
    {
        var match = RelationPattern().Match(relation);
        if (!match.Success)
        {
            throw new FormatException($"Not a plural rule relation: \"{relation}\".");
        }

        var operand = match.Groups["operand"].Value;
        long? modulus = match.Groups["modulus"].Success ? long.Parse(match.Groups["modulus"].Value, CultureInfo.InvariantCulture) : null;
        var ranges = match.Groups["ranges"].Value.Split(',', StringSplitOptions.TrimEntries).Select(Range).ToArray();
        var equals = match.Groups["operator"].Value == "=";
        return count =>
        {
            // n and i are the whole number; every other operand describes digits after the point or an exponent.
            var value = operand is "n" or "i" ? Math.Abs(count) : 0;
            if (modulus is { } divisor)
            {
                value %= divisor;
            }

            return ranges.Any(range => value >= range.From && value <= range.To) == equals;
        };
    }

    private static (long From, long To) Range(string range)
    {
        var bounds = range.Split("..");
        var from = long.Parse(bounds[0], CultureInfo.InvariantCulture);
        return (from, bounds.Length == 2 ? long.Parse(bounds[1], CultureInfo.InvariantCulture) : from);
    }

    [GeneratedRegex(@"^(?<operand>[nivwftce])\s*(?:%\s*(?<modulus>\d+)\s*)?(?<operator>!=|=)\s*(?<ranges>\d[\d.,\s]*)$")]
    private static partial Regex RelationPattern();
}
