using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Localization;

namespace Countersign.Localisation;

/// <summary>
/// Sentences with counts in them. The key is the English message in ICU plural syntax, like every
/// other key the English text itself; the French resource file holds the French message in the
/// same syntax, with the forms French needs:
/// <code>
/// t.Plural("{0, plural, one {# signature} other {# signatures}}", count)
/// fr: "{0, plural, one {# signature} many {# de signatures} other {# signatures}}"
/// </code>
/// </summary>
public static class Plurals
{
    /// <summary>The language of the keys, which a reader sees when a translation is missing.</summary>
    private const string KeyLanguage = "en";

    private static readonly ConcurrentDictionary<string, PluralMessage> Parsed = new(StringComparer.Ordinal);

    /// <summary>
    /// The message in the reader's language, each count in the form its CLDR rules choose and each
    /// number grouped as the reader's culture groups digits ("1,000", "1 000").
    /// </summary>
    public static LocalizedString Plural(this IStringLocalizer t, string message, params object[] arguments)
    {
        var localized = t[message];
        var language = localized.ResourceNotFound ? KeyLanguage : CultureInfo.CurrentUICulture.Name;
        var text = Parsed.GetOrAdd(localized.Value, PluralMessage.Parse).Format(PluralRules.For(language), CultureInfo.CurrentCulture, arguments);
        return new LocalizedString(message, text, localized.ResourceNotFound, localized.SearchedLocation);
    }
}
