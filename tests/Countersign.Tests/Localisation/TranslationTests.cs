using System.Globalization;
using System.Net.Http.Headers;
using System.Resources;
using System.Text.RegularExpressions;
using Countersign.Data;
using Countersign.Tests.Infrastructure;

namespace Countersign.Tests.Localisation;

/// <summary>Every string a person can see exists in French, and French readers get it.</summary>
public sealed partial class TranslationTests
{
    private static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr");
    private static readonly ResourceManager Resources = new("Countersign.Resources.SharedResource", typeof(SharedResource).Assembly);

    [Fact]
    public void Should_have_a_french_translation_for_every_localised_string()
    {
        var keys = LocalisedStringsInSource();
        Assert.True(keys.Count > 100, $"Found only {keys.Count} localised strings; the source scan is probably broken.");

        var missing = keys.Where(key => Resources.GetString(key, French) is null).Order(StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0, "Missing French translations:\n" + string.Join("\n", missing));
    }

    [Fact]
    public void Should_keep_every_placeholder_in_the_french_text()
    {
        foreach (var key in LocalisedStringsInSource())
        {
            var french = Resources.GetString(key, French) ?? key;
            var wanted = Placeholder().Matches(key).Select(m => m.Value).Order();
            Assert.True(wanted.SequenceEqual(Placeholder().Matches(french).Select(m => m.Value).Order()), $"Placeholders differ for '{key}'.");
        }
    }

    [Fact]
    public async Task Should_serve_pages_in_french_to_a_french_browser_and_after_choosing_french()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite);
        await site.AddCampaignAsync();
        var heading = Resources.GetString("Open campaigns", French)!;
        var signHeading = Resources.GetString("Sign the petition", French)!;

        var browser = site.Browser();
        browser.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr-FR"));
        var home = await browser.GetStringAsync("/");
        Assert.Contains($">{heading}</h2>", System.Net.WebUtility.HtmlDecode(home), StringComparison.Ordinal);
        Assert.Contains("lang=\"fr\"", home, StringComparison.Ordinal);

        var chooser = site.Browser();
        var switched = await chooser.GetAsync("/language/fr?returnUrl=%2Fc%2Fstop-the-cameras");
        Assert.Equal("/c/stop-the-cameras", switched.Headers.Location?.OriginalString);
        var page = System.Net.WebUtility.HtmlDecode(await chooser.GetStringAsync("/c/stop-the-cameras"));
        Assert.Contains(signHeading, page, StringComparison.Ordinal);
        Assert.Contains(">Irlande</option>", page, StringComparison.Ordinal);

        var offsite = await chooser.GetAsync("/language/fr?returnUrl=%2F%2Fevil.example");
        Assert.Equal("/", offsite.Headers.Location?.OriginalString);

        // A control character makes the framework refuse the redirect: it answered 500.
        var control = await chooser.GetAsync("/language/fr?returnUrl=%2F%09%2Fevil.example");
        Assert.Equal("/", control.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Should_return_to_a_non_ascii_address_percent_encoded_after_choosing_a_language()
    {
        // A real server: its Location header takes ASCII only, and the redirect to "/c/été" answered 500.
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        using var chooser = new HttpClient(new LoopbackCookieJar()) { BaseAddress = new Uri(site.Address) };

        var switched = await chooser.GetAsync("/language/fr?returnUrl=" + Uri.EscapeDataString("/c/été?q=ça va"));
        Assert.Equal(System.Net.HttpStatusCode.Redirect, switched.StatusCode);
        Assert.Equal("/c/%C3%A9t%C3%A9?q=%C3%A7a%20va", switched.Headers.Location?.OriginalString);

        var surrogate = await chooser.GetAsync("/language/en?returnUrl=%2F%ED%A0%80");
        Assert.Equal(System.Net.HttpStatusCode.Redirect, surrogate.StatusCode);
        Assert.StartsWith("/", surrogate.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>
    /// The localiser keys in the app's source: literal T["..."] / t["..."] arguments, and the
    /// validation messages that forms return untranslated for the page to translate.
    /// </summary>
    private static HashSet<string> LocalisedStringsInSource()
    {
        var source = Path.Combine(Repository.Root, "src", "Countersign");
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(source, "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal)) && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match match in LocaliserCall().Matches(text))
            {
                keys.Add(Regex.Unescape(match.Groups["key"].Value));
            }

            foreach (Match match in ValidationMessage().Matches(text))
            {
                keys.Add(Regex.Unescape(match.Groups["key"].Value));
            }
        }

        return keys;
    }

    [GeneratedRegex("""\b[Tt]\["(?<key>(?:[^"\\]|\\.)*)"[\],]""")]
    private static partial Regex LocaliserCall();

    [GeneratedRegex("""problems\[[^\n]*?\] = "(?<key>(?:[^"\\]|\\.)*)";""")]
    private static partial Regex ValidationMessage();

    [GeneratedRegex(@"\{\d+\}")]
    private static partial Regex Placeholder();
}
