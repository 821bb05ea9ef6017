using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// A partner frames a public campaign's embed on their site: any site may frame it (and only it), it sets no cookie,
/// shows the count and goal, and its button opens the campaign in a new tab, counted as the embed's. Organisers copy
/// its snippet from the staff campaign page. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class EmbedTests(DatabaseProvider provider) : IAsyncLifetime
{
    protected TestSite Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_let_any_site_frame_the_count_and_sign_button_without_a_cookie()
    {
        var campaign = await Site.AddCampaignAsync(goal: 5000);
        var count = 1234;
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, count)));

        var response = await Site.Browser().GetAsync($"/c/{campaign.Slug}/embed");
        var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["*"], FrameAncestors(response));
        Assert.False(response.Headers.Contains("X-Frame-Options"));
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Equal(new CacheControlHeaderValue { Public = true, MaxAge = TimeSpan.FromSeconds(Embed.CacheSeconds) }, response.Headers.CacheControl);

        Assert.Equal(campaign.Title, page.QuerySelector("h1")?.TextContent);
        Assert.Equal(count.ToString("N0", System.Globalization.CultureInfo.GetCultureInfo("en-GB")), page.QuerySelector("[data-testid=signature-count]")?.TextContent);
        Assert.Equal("5000", page.QuerySelector("progress")?.GetAttribute("max"));
        var sign = page.QuerySelector("a.embed-sign");
        Assert.Equal($"/c/{campaign.Slug}?via={Referral.Embed}", sign?.GetAttribute("href"));
        Assert.Equal("_blank", sign?.GetAttribute("target"));
        Assert.Equal("noopener", sign?.GetAttribute("rel"));

        // Nothing to submit, nothing personal, nothing of the site's own chrome.
        Assert.Empty(page.QuerySelectorAll("form, input, script, header, footer"));
        Assert.DoesNotContain("__RequestVerificationToken", page.Source.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_every_other_page_out_of_other_sites_frames()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();

        foreach (var path in new[] { "/", $"/c/{campaign.Slug}", $"/c/{campaign.Slug}.json", $"/c/{campaign.Slug}/comments", "/oembed", "/c/no-such-campaign/embed" })
        {
            var response = await browser.GetAsync(path);
            Assert.True(FrameAncestors(response) is ["'none'"], $"{path}: frame-ancestors {string.Join(' ', FrameAncestors(response))}");
            Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
        }
    }

    [Theory]
    [InlineData(CampaignState.Draft)]
    [InlineData(CampaignState.Sponsoring)]
    [InlineData(CampaignState.InReview)]
    public async Task Should_hide_a_campaign_that_is_not_public_behind_a_404(string state)
    {
        await Site.AddCampaignAsync("not-public", state);

        foreach (var slug in new[] { "not-public", "no-such-campaign" })
        {
            var response = await Site.Browser().GetAsync($"/c/{slug}/embed");
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal(["'none'"], FrameAncestors(response));
        }
    }

    [Fact]
    public async Task Should_speak_the_language_the_partner_asks_for_without_remembering_it()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();

        async Task<(string? Lang, string? Button, HttpResponseMessage Response)> EmbedAsync(string query, string? acceptLanguage = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/c/{campaign.Slug}/embed{query}");
            if (acceptLanguage is not null)
            {
                request.Headers.AcceptLanguage.ParseAdd(acceptLanguage);
            }

            var response = await browser.SendAsync(request);
            var page = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
            return (page.DocumentElement.GetAttribute("lang"), page.QuerySelector("a.embed-sign")?.TextContent, response);
        }

        foreach (var (query, acceptLanguage, expected) in new[] { ("?lang=fr", null, "fr"), ("", "fr-FR", "fr"), ("?lang=fr&lang=en", null, "en"), ("?lang=xx-" + new string('y', 4000), null, "en") })
        {
            var (lang, button, _) = await EmbedAsync(query, acceptLanguage);
            Assert.True(lang == expected, $"{query[..Math.Min(query.Length, 20)]} {acceptLanguage}: lang {lang}");
            Assert.Equal(expected == "fr" ? "Signer la pétition" : "Sign the petition", button);
        }

        var english = await EmbedAsync("?lang=en", "fr");
        Assert.Equal("en", english.Lang);
        Assert.False(english.Response.Headers.Contains("Set-Cookie"));

        // A reader who chose French on the site gets French from the same address: caches keep each apart.
        using var chosen = new HttpRequestMessage(HttpMethod.Get, $"/c/{campaign.Slug}/embed");
        chosen.Headers.Add("Cookie", $"{Countersign.Hosting.LanguageSwitch.CookieName}=c%3Dfr%7Cuic%3Dfr");
        var chosenPage = await browser.SendAsync(chosen);
        Assert.Equal("fr", new HtmlParser().ParseDocument(await chosenPage.Content.ReadAsStringAsync()).DocumentElement.GetAttribute("lang"));
        Assert.Equal(["Accept-Language", "Cookie"], chosenPage.Headers.Vary);

        // Other pages follow the reader's choice, not a lang left in an address.
        var campaignPage = new HtmlParser().ParseDocument(await browser.GetStringAsync($"/c/{campaign.Slug}?lang=fr"));
        Assert.Equal("en", campaignPage.DocumentElement.GetAttribute("lang"));
    }

    [Fact]
    public async Task Should_show_a_closed_campaign_with_a_link_to_read_it()
    {
        var campaign = await Site.AddCampaignAsync(state: CampaignState.Closed);

        var page = new HtmlParser().ParseDocument(await Site.Browser().GetStringAsync($"/c/{campaign.Slug}/embed"));

        Assert.Equal("Read the campaign", page.QuerySelector("a.embed-sign")?.TextContent);
    }

    [Fact]
    public async Task Should_give_organisers_the_snippet_to_copy_for_a_public_campaign_only()
    {
        var open = await Site.AddCampaignAsync();
        var draft = await Site.AddCampaignAsync("a-draft", CampaignState.Draft);
        var organiser = await Site.Staff.SignedInAsync("admin@example.org", StaffRoles.Admin);

        var page = new HtmlParser().ParseDocument(await organiser.GetStringAsync($"/staff/campaigns/{open.Id}"));
        var snippet = page.QuerySelector("textarea#embed-snippet")?.TextContent;

        Assert.Equal(Embed.Snippet(new() { PublicUrl = TestSite.PublicUrl }, open), snippet);
        Assert.StartsWith($"<iframe src=\"{TestSite.PublicUrl}/c/{open.Slug}/embed\" title=\"", snippet, StringComparison.Ordinal);
        Assert.Contains("loading=\"lazy\" style=\"border:0\"></iframe>", snippet, StringComparison.Ordinal);
        Assert.Equal(snippet, page.QuerySelector(".embed-code")?.GetAttribute("data-share-url"));
        Assert.NotNull(page.QuerySelector(".embed-code button.share-copy-button"));

        var draftPage = new HtmlParser().ParseDocument(await organiser.GetStringAsync($"/staff/campaigns/{draft.Id}"));
        Assert.Null(draftPage.QuerySelector("textarea#embed-snippet"));
    }

    /// <summary>The frame-ancestors sources of the response's Content-Security-Policy.</summary>
    internal static string[] FrameAncestors(HttpResponseMessage response)
    {
        var policy = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        var directive = policy.Split(';', StringSplitOptions.TrimEntries).Single(d => d.StartsWith("frame-ancestors ", StringComparison.Ordinal));
        return directive.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..];
    }
}

public sealed class EmbedOnSqlite() : EmbedTests(DatabaseProvider.Sqlite);

public sealed class EmbedOnPostgres() : EmbedTests(DatabaseProvider.Postgres);

/// <summary>The snippet organisers copy is an iframe element whose attributes hold any title safely. No database.</summary>
public sealed class EmbedSnippetTests
{
    [Fact]
    public void Should_escape_the_title_in_the_snippet()
    {
        var campaign = TestCampaigns.Make(DateTime.UtcNow, slug: "stop-the-cameras");
        campaign.Title = "Cameras \"out\" & <gates> — Gare du Nord";

        var snippet = Embed.Snippet(new() { PublicUrl = "https://petitions.example.org/" }, campaign, 300, 200);

        var frame = new HtmlParser().ParseDocument($"<body>{snippet}</body>").QuerySelector("iframe");
        Assert.Equal(campaign.Title, frame?.GetAttribute("title"));
        Assert.Equal("https://petitions.example.org/c/stop-the-cameras/embed", frame?.GetAttribute("src"));
        Assert.Equal(("300", "200"), (frame?.GetAttribute("width"), frame?.GetAttribute("height")));
        Assert.Contains("— Gare du Nord", snippet, StringComparison.Ordinal);
    }
}
