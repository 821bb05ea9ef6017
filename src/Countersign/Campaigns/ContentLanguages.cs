using System.Globalization;

namespace Countersign.Campaigns;

/// <summary>
/// The languages a campaign's text may be written in, as BCP 47 tags, whatever the languages of the interface:
/// pages mark the campaign's text with its own language (<c>lang</c>, and <c>dir</c> for right-to-left scripts), so
/// screen readers pronounce it, browsers hyphenate and translate it, and search engines index it as what it is.
/// Names and directions come from CLDR through .NET's ICU data; a tag not in the list is refused.
/// </summary>
public static class ContentLanguages
{
    /// <summary>What campaigns written before campaigns had a language are taken to be in.</summary>
    public const string Default = "en";

    /// <summary>Room for a language with a script or region subtag (zh-Hant, pt-BR).</summary>
    public const int TagMaxLength = 16;

    /// <summary>The tags offered: the languages of the places campaigns against surveillance run in, and of their diasporas.</summary>
    private static readonly string[] Tags =
    [
        "am", "ar", "az", "bg", "bn", "bs", "ca", "cs", "cy", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fil", "fr",
        "ga", "gl", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja", "ka", "kk", "km", "ko", "ku", "lb", "lt", "lv", "mk",
        "ms", "mt", "my", "nb", "ne", "nl", "pa", "pl", "ps", "pt", "ro", "ru", "sk", "sl", "so", "sq", "sr", "sv", "sw", "ta",
        "th", "ti", "tr", "uk", "ur", "uz", "vi", "zh-Hans", "zh-Hant",
    ];

    private static readonly Dictionary<string, ContentLanguage> ByTag = Tags.ToDictionary(tag => tag, Describe, StringComparer.Ordinal);

    /// <summary>
    /// Every language offered, each named in itself (Deutsch, العربية, français), sorted by those names with the
    /// root collation, which keeps each script together (Latin, then Greek, Cyrillic, Hebrew, Arabic…).
    /// </summary>
    public static IReadOnlyList<ContentLanguage> All { get; } =
        ByTag.Values.OrderBy(language => language.Name, StringComparer.Create(CultureInfo.InvariantCulture, ignoreCase: true)).ToList();

    /// <summary>Whether <paramref name="tag"/> is one of the tags offered, spelt exactly as offered (a form can only send those).</summary>
    public static bool IsKnown(string? tag) => tag is not null && ByTag.ContainsKey(tag);

    /// <summary>The language's name in itself; the tag itself for a tag not offered (a campaign stored before the list changed).</summary>
    public static string Name(string tag) => ByTag.TryGetValue(tag, out var language) ? language.Name : tag;

    /// <summary>"rtl" for languages written right to left (Arabic, Hebrew, Persian, Pashto, Urdu), else "ltr": the value of an HTML <c>dir</c> attribute.</summary>
    public static string Direction(string tag) => ByTag.TryGetValue(tag, out var language) && language.IsRightToLeft ? "rtl" : "ltr";

    /// <summary>
    /// The language a new campaign starts with: the interface language of whoever writes it, when campaigns may
    /// be written in it, or <see cref="Default"/>.
    /// </summary>
    public static string ForNewCampaign(CultureInfo uiCulture) =>
        IsKnown(uiCulture.Name) ? uiCulture.Name : IsKnown(uiCulture.TwoLetterISOLanguageName) ? uiCulture.TwoLetterISOLanguageName : Default;

    private static ContentLanguage Describe(string tag)
    {
        var culture = CultureInfo.GetCultureInfo(tag);

        // CLDR writes many languages' own names in lower case (français, español), as they appear mid-sentence;
        // alone in a list they start with a capital, in that language's own casing rules.
        var name = culture.NativeName;
        name = culture.TextInfo.ToUpper(name[..1]) + name[1..];
        return new ContentLanguage(tag, name, culture.TextInfo.IsRightToLeft);
    }
}

/// <summary>A language campaigns may be written in: its BCP 47 tag, its name in itself, and its direction of writing.</summary>
public sealed record ContentLanguage(string Tag, string Name, bool IsRightToLeft);
