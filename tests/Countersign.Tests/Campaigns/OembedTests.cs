using System.Net;
using System.Text.Json;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// A blog given a campaign's address finds its oEmbed answer from the page's head and shows the embed; an address that
/// is not one of our public campaign pages is refused with 404, XML with 501. The JSON twins, and only they, may be read
/// by any site's scripts. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class OembedTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string CampaignPage = $"{TestSite.PublicUrl}/c/stop-the-cameras";

    protected TestSite Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_answer_the_embed_of_a_campaign_page_found_from_its_head()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var page = new HtmlParser().ParseDocument(await browser.GetStringAsync($"/c/{campaign.Slug}"));
        var discovery = page.QuerySelector("head link[rel=alternate][type='application/json+oembed']")?.GetAttribute("href");

        Assert.Equal($"{TestSite.PublicUrl}/oembed?url={Uri.EscapeDataString(CampaignPage)}&format=json", discovery);
        var response = await browser.GetAsync(new Uri(discovery!).PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var answer = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = answer.RootElement;

        Assert.Equal("1.0", root.GetProperty("version").GetString());
        Assert.Equal("rich", root.GetProperty("type").GetString());
        Assert.Equal(campaign.Title, root.GetProperty("title").GetString());
        Assert.Equal("Countersign", root.GetProperty("provider_name").GetString());
        Assert.Equal(Embed.DefaultWidth, root.GetProperty("width").GetInt32());
        Assert.Equal(Embed.DefaultHeight, root.GetProperty("height").GetInt32());
        var frame = new HtmlParser().ParseDocument(root.GetProperty("html").GetString()!).QuerySelector("iframe");
        Assert.Equal($"{CampaignPage}/embed", frame?.GetAttribute("src"));
        Assert.Equal(Embed.DefaultWidth.ToString(System.Globalization.CultureInfo.InvariantCulture), frame?.GetAttribute("width"));
    }

    [Theory]
    [InlineData("&maxwidth=320", 320, Embed.DefaultHeight)]
    [InlineData("&maxwidth=2000&maxheight=150", Embed.DefaultWidth, 150)]
    public async Task Should_keep_within_the_size_asked_for(string limits, int width, int height)
    {
        await Site.AddCampaignAsync();

        // A share link's address (?via=) is the same page.
        using var answer = JsonDocument.Parse(await Site.Browser().GetStringAsync($"/oembed?url={Uri.EscapeDataString(CampaignPage + "?via=whatsapp")}{limits}"));

        Assert.Equal(width, answer.RootElement.GetProperty("width").GetInt32());
        Assert.Equal(height, answer.RootElement.GetProperty("height").GetInt32());
        Assert.Contains($"width=\"{width}\" height=\"{height}\"", answer.RootElement.GetProperty("html").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/c/stop-the-cameras")]
    [InlineData("https://countersign.test.evil.example/c/stop-the-cameras")]
    [InlineData("https://evil.example/?https://countersign.test/c/stop-the-cameras")]
    [InlineData("http://countersign.test/c/stop-the-cameras")]
    [InlineData("https://countersign.test:8443/c/stop-the-cameras")]
    [InlineData("https://user@countersign.test/c/stop-the-cameras")]
    [InlineData("/c/stop-the-cameras")]
    [InlineData("stop-the-cameras")]
    [InlineData("https://countersign.test/c/stop-the-cameras/")]
    [InlineData("https://countersign.test/c/stop-the-cameras/embed")]
    [InlineData("https://countersign.test/c/stop-the-cameras.json")]
    [InlineData("https://countersign.test/c/Stop-The-Cameras")]
    [InlineData("https://countersign.test/c/a-draft")]
    [InlineData("https://countersign.test/c/no-such-campaign")]
    [InlineData("https://countersign.test/")]
    [InlineData("javascript:alert(1)")]
    public async Task Should_refuse_an_address_that_is_not_one_of_our_public_campaign_pages(string url)
    {
        await Site.AddCampaignAsync();
        await Site.AddCampaignAsync("a-draft", CampaignState.Draft);

        var response = await Site.Browser().GetAsync($"/oembed?url={Uri.EscapeDataString(url)}&format=json");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not one of this site's public campaign pages", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("?url=" + CampaignPage + "&format=xml", HttpStatusCode.NotImplemented)]
    [InlineData("?format=json", HttpStatusCode.BadRequest)]
    [InlineData("?url=", HttpStatusCode.BadRequest)]
    [InlineData("", HttpStatusCode.BadRequest)]
    [InlineData("?url=" + CampaignPage + "&maxwidth=wide", HttpStatusCode.BadRequest)]
    [InlineData("?url=" + CampaignPage + "&maxwidth=0", HttpStatusCode.BadRequest)]
    [InlineData("?url=" + CampaignPage + "&maxheight=-5", HttpStatusCode.BadRequest)]
    [InlineData("?url=" + CampaignPage + "&maxwidth=99999999999", HttpStatusCode.BadRequest)]
    public async Task Should_refuse_what_it_cannot_answer_with_a_clear_status(string query, HttpStatusCode status)
    {
        await Site.AddCampaignAsync();

        var response = await Site.Browser().GetAsync("/oembed" + query);

        Assert.Equal(status, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
    }

    [Fact]
    public async Task Should_let_any_site_read_the_json_twins_and_nothing_else()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();

        foreach (var path in new[] { $"/c/{campaign.Slug}.json", "/index.json", "/index.json?q=cameras" })
        {
            var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(["*"], response.Headers.GetValues("Access-Control-Allow-Origin"));
            Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"), path);
        }

        foreach (var path in new[] { "/", $"/c/{campaign.Slug}", $"/c/{campaign.Slug}/embed", $"/oembed?url={Uri.EscapeDataString(CampaignPage)}", $"/c/{campaign.Slug}/updates.atom", "/sitemap.xml" })
        {
            var response = await browser.GetAsync(path);
            Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"), path);
        }

        // Read-only: no other method is opened, and a preflight gets no permission.
        var posted = await browser.PostAsync($"/c/{campaign.Slug}.json", new StringContent("{}"));
        Assert.False(posted.IsSuccessStatusCode);
        Assert.False(posted.Headers.Contains("Access-Control-Allow-Origin"));
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/index.json");
        preflight.Headers.Add("Origin", "https://partner.example");
        preflight.Headers.Add("Access-Control-Request-Method", "DELETE");
        var answer = await browser.SendAsync(preflight);
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Methods"));
        Assert.False(answer.Headers.Contains("Access-Control-Allow-Origin"));
    }
}

public sealed class OembedOnSqlite() : OembedTests(DatabaseProvider.Sqlite);

public sealed class OembedOnPostgres() : OembedTests(DatabaseProvider.Postgres);
