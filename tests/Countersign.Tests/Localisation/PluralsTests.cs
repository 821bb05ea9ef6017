using System.Globalization;
using System.Resources;
using System.Text.Json;
using System.Text.RegularExpressions;
using Countersign.Hosting;
using Countersign.Localisation;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Countersign.Tests.Infrastructure;

namespace Countersign.Tests.Localisation;

/// <summary>Counts in sentences take the form their language's CLDR rules choose, in every message of both languages.</summary>
public sealed partial class PluralsTests
{
    private const string Signatures = "{0, plural, one {# signature} other {# signatures}}";

    private static readonly ResourceManager Resources = new("Countersign.Resources.SharedResource", typeof(SharedResource).Assembly);

    private static readonly IStringLocalizer T = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance).Create(typeof(SharedResource));

    [Theory]
    [InlineData("fr", 0, "one")]
    [InlineData("fr", 1, "one")]
    [InlineData("fr", 2, "other")]
    [InlineData("fr", 1_000_000, "many")]
    [InlineData("en", 0, "other")]
    [InlineData("en", 1, "one")]
    [InlineData("ar", 0, "zero")]
    [InlineData("ar", 1, "one")]
    [InlineData("ar", 2, "two")]
    [InlineData("ar", 3, "few")]
    [InlineData("ar", 11, "many")]
    [InlineData("ar", 100, "other")]
    [InlineData("fr-CA", 1, "one")]
    public void Should_choose_the_category_cldr_gives(string language, long count, string category) =>
        Assert.Equal(category, PluralRules.For(language).Select(count));

    [Fact]
    public void Should_agree_with_every_whole_number_sample_cldr_lists_for_every_language()
    {
        using var stream = typeof(SharedResource).Assembly.GetManifestResourceStream("Countersign.PluralRules.json")!;
        using var document = JsonDocument.Parse(stream);
        var checkedSamples = 0;
        foreach (var language in document.RootElement.GetProperty("supplemental").GetProperty("plurals-type-cardinal").EnumerateObject())
        {
            var rules = PluralRules.For(language.Name);
            foreach (var rule in language.Value.EnumerateObject())
            {
                var category = rule.Name["pluralRule-count-".Length..];
                foreach (var sample in IntegerSamples(rule.Value.GetString()!))
                {
                    Assert.True(category == rules.Select(sample), $"{language.Name}: CLDR puts {sample} in \"{category}\"; the rules chose \"{rules.Select(sample)}\".");
                    checkedSamples++;
                }
            }
        }

        Assert.True(checkedSamples > 2_000, $"Checked only {checkedSamples} samples: the data or its reading is probably broken.");
    }

    [Fact]
    public void Should_list_the_categories_whole_numbers_need()
    {
        Assert.Equal(["one", "other"], PluralRules.For("en").Categories);
        Assert.Equal(["one", "many", "other"], PluralRules.For("fr").Categories);
        Assert.Equal(["zero", "one", "two", "few", "many", "other"], PluralRules.For("ar").Categories);
        Assert.Equal(["other"], PluralRules.For("xx").Categories);
    }

    [Theory]
    [InlineData("en", 0, "0 signatures")]
    [InlineData("en", 1, "1 signature")]
    [InlineData("en", 2, "2 signatures")]
    [InlineData("fr", 0, "0 signature")]
    [InlineData("fr", 1, "1 signature")]
    [InlineData("fr", 2, "2 signatures")]
    public void Should_write_small_counts_in_the_readers_language(string language, int count, string expected)
    {
        using var reader = new CultureScope(language);
        Assert.Equal(expected, T.Plural(Signatures, count).Value);
    }

    [Fact]
    public void Should_group_digits_as_the_readers_culture_does()
    {
        using (new CultureScope("en"))
        {
            Assert.Equal("1,000 signatures", T.Plural(Signatures, 1_000).Value);
        }

        using (new CultureScope("fr"))
        {
            // French groups digits with a narrow no-break space, and says "de" after a whole number of millions.
            var space = CultureInfo.CurrentCulture.NumberFormat.NumberGroupSeparator;
            Assert.Equal("\u202F", space);
            Assert.Equal($"1{space}000 signatures", T.Plural(Signatures, 1_000).Value);
            Assert.Equal($"1{space}000{space}000 de signatures", T.Plural(Signatures, 1_000_000).Value);
            Assert.Equal($"1{space}500 signatures de soutien sur 2{space}000",
                T.Plural("{0} of {1, plural, one {# supporting signature} other {# supporting signatures}}", 1_500, 2_000).Value);
        }
    }

    [Fact]
    public void Should_follow_english_rules_where_a_translation_is_missing()
    {
        using var reader = new CultureScope("fr");
        var untranslated = T.Plural("{0, plural, one {# untranslated thing} other {# untranslated things}}", 0);
        Assert.True(untranslated.ResourceNotFound);
        Assert.Equal("0 untranslated things", untranslated.Value);
    }

    [Fact]
    public void Should_prefer_an_exact_branch_and_keep_quoted_braces()
    {
        var message = PluralMessage.Parse("{0, plural, =0 {No '{'signatures'}' yet} one {# signature, it''s {1}} other {# signatures from {1}}}");
        var english = PluralRules.For("en");
        Assert.Equal("No {signatures} yet", message.Format(english, CultureInfo.InvariantCulture, [0, "here"]));
        Assert.Equal("1 signature, it's here", message.Format(english, CultureInfo.InvariantCulture, [1, "here"]));
        Assert.Equal("3 signatures from here", message.Format(english, CultureInfo.InvariantCulture, [3, "here"]));
        Assert.Equal(new HashSet<int> { 0, 1 }, message.Arguments);

        // A lone apostrophe is just an apostrophe, as in "campaign's".
        Assert.Equal("the campaign's 2 days", PluralMessage.Parse("the campaign's {0, plural, one {# day} other {# days}}").Format(english, CultureInfo.InvariantCulture, [2]));
    }

    [Theory]
    [InlineData("{0, plural, one {# signature}}", "\"other\"")]
    [InlineData("{0, plural, one {# signature} several {# signatures} other {# signatures}}", "\"several\"")]
    [InlineData("{0, plural, one {# signature} other {# signatures}", "no closing brace")]
    [InlineData("{0, plural, one {# signature} other {# signatures", "'}'")]
    [InlineData("{0, plural, one {# signature} other {# signatures}}}", "closing brace")]
    [InlineData("{0, number}", "neither plain")]
    [InlineData("{count, plural, other {#}}", "argument number")]
    public void Should_say_where_a_message_breaks_the_syntax(string pattern, string complaint)
    {
        var error = Assert.Throws<FormatException>(() => PluralMessage.Parse(pattern));
        Assert.Contains(complaint, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_count_that_is_not_a_whole_number() =>
        Assert.Throws<ArgumentException>(() => PluralMessage.Parse(Signatures).Format(PluralRules.For("en"), CultureInfo.InvariantCulture, [1.5]));

    [Fact]
    public void Should_have_every_form_each_language_needs_in_every_plural_message()
    {
        var french = CultureInfo.GetCultureInfo("fr");
        var messages = PluralMessagesInSource();
        Assert.True(messages.Count > 20, $"Found only {messages.Count} plural messages; the source scan is probably broken.");

        var problems = new List<string>();
        foreach (var english in messages)
        {
            var key = PluralMessage.Parse(english);
            problems.AddRange(key.MissingCategories(PluralRules.For("en")).Select(category => $"\"{english}\" has no \"{category}\" branch."));
            if (Resources.GetString(english, french) is not { } translation)
            {
                problems.Add($"\"{english}\" has no French translation.");
                continue;
            }

            var translated = PluralMessage.Parse(translation);
            problems.AddRange(translated.MissingCategories(PluralRules.For("fr")).Select(category => $"The French of \"{english}\" has no \"{category}\" branch."));
            if (!translated.Arguments.SetEquals(key.Arguments))
            {
                problems.Add($"The French of \"{english}\" shows arguments {string.Join(", ", translated.Arguments.Order())}, the English {string.Join(", ", key.Arguments.Order())}.");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Should_parse_every_plural_message_in_the_french_resources()
    {
        var french = Resources.GetResourceSet(CultureInfo.GetCultureInfo("fr"), createIfNotExists: true, tryParents: false)!;
        var plural = french.Cast<System.Collections.DictionaryEntry>().Select(entry => (Key: (string)entry.Key, Value: (string)entry.Value!))
            .Where(entry => PluralMessage.LooksPlural(entry.Key) || PluralMessage.LooksPlural(entry.Value))
            .ToList();
        Assert.NotEmpty(plural);
        Assert.All(plural, entry =>
        {
            Assert.True(PluralMessage.LooksPlural(entry.Key), $"\"{entry.Value}\" is plural, and its key \"{entry.Key}\" is not: it is shown with string.Format.");
            PluralMessage.Parse(entry.Key);
            PluralMessage.Parse(entry.Value);
        });
    }

    /// <summary>The whole numbers of a CLDR rule's "@integer" samples: "0, 2~16, 100, 1000, …" (compact ones like "1c6" skipped).</summary>
    private static IEnumerable<long> IntegerSamples(string rule)
    {
        var match = IntegerSampleList().Match(rule);
        if (!match.Success)
        {
            yield break;
        }

        foreach (var sample in match.Groups["samples"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (sample == "…" || sample.Contains('c', StringComparison.Ordinal))
            {
                continue;
            }

            var bounds = sample.Split('~').Select(bound => long.Parse(bound, CultureInfo.InvariantCulture)).ToArray();
            for (var value = bounds[0]; value <= bounds[^1]; value++)
            {
                yield return value;
            }
        }
    }

    /// <summary>The English messages of every <c>t.Plural("…")</c> call in the app's source.</summary>
    private static HashSet<string> PluralMessagesInSource()
    {
        var source = Path.Combine(Repository.Root, "src", "Countersign");
        return Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal)) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(file => PluralCall().Matches(File.ReadAllText(file)).Select(match => Regex.Unescape(match.Groups["message"].Value)))
            .ToHashSet(StringComparer.Ordinal);
    }

    [GeneratedRegex("""\b[Tt]\.Plural\(\s*"(?<message>(?:[^"\\]|\\.)*)"[,)]""")]
    private static partial Regex PluralCall();

    [GeneratedRegex(@"@integer(?<samples>[^@]*)")]
    private static partial Regex IntegerSampleList();
}
