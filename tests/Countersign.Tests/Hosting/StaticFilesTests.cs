using System.Net;
using AngleSharp.Html.Parser;
using Countersign.Data;
using Countersign.Tests.Infrastructure;

namespace Countersign.Tests.Hosting;

/// <summary>
/// Stylesheets and scripts travel compressed by the build to browsers that accept it, carry the same
/// security headers as pages, and never spend a reader's request allowance; pages stay uncompressed.
/// </summary>
public sealed class StaticFilesTests : IAsyncLifetime
{
    private TestSite _site = null!;

    public async Task InitializeAsync() => _site = await TestSite.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Should_send_the_stylesheet_brotli_compressed_to_a_browser_that_accepts_it_and_whole_to_one_that_does_not()
    {
        var plain = await GetAsync("/css/site.css");
        var brotli = await GetAsync("/css/site.css", "br");

        Assert.Equal(HttpStatusCode.OK, plain.StatusCode);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(HttpStatusCode.OK, brotli.StatusCode);
        Assert.Equal(["br"], brotli.Content.Headers.ContentEncoding);
        Assert.Equal("text/css", brotli.Content.Headers.ContentType?.MediaType);

        var whole = await plain.Content.ReadAsByteArrayAsync();
        var compressed = await brotli.Content.ReadAsByteArrayAsync();
        Assert.True(compressed.Length < whole.Length, $"brotli: {compressed.Length} bytes, identity: {whole.Length} bytes");
        Assert.Equal(whole, StaticFiles.Unbrotli(compressed));

        foreach (var response in new[] { plain, brotli })
        {
            Assert.StartsWith("script-src 'nonce-", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task Should_send_pages_uncompressed_whatever_the_browser_accepts()
    {
        await _site.AddCampaignAsync();

        var page = await GetAsync("/c/stop-the-cameras", "br, gzip");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Empty(page.Content.Headers.ContentEncoding);
    }

    [Theory]
    [InlineData("/lib/altcha/altcha.js")]
    [InlineData("/lib/altcha/altcha.css")]
    [InlineData("/lib/altcha/sha.js")]
    [InlineData("/lib/altcha/fr-fr.js")]
    [InlineData("/js/pulse.js")]
    public async Task Should_serve_the_files_the_build_copies_and_compresses(string path)
    {
        var response = await GetAsync(path, "br");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["br"], response.Content.Headers.ContentEncoding);
    }

    [Fact]
    public async Task Should_link_the_campaign_page_to_stylesheets_and_scripts_that_are_served_compressed_and_kept_for_good()
    {
        await _site.AddCampaignAsync();
        var html = await (await _site.Browser().GetAsync("/c/stop-the-cameras")).Content.ReadAsStringAsync();
        var document = new HtmlParser().ParseDocument(html);
        var links = document.QuerySelectorAll("link[rel=stylesheet]").Select(link => link.GetAttribute("href"))
            .Concat(document.QuerySelectorAll("script[src]").Select(script => script.GetAttribute("src")))
            .OfType<string>()
            .ToList();

        Assert.Contains(links, link => StaticFiles.Unfingerprinted(link) == "/css/site.css");
        foreach (var link in links)
        {
            var response = await GetAsync(link, "br");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{link}: {(int)response.StatusCode}");
            Assert.True(response.Content.Headers.ContentEncoding.SequenceEqual(["br"]), $"{link} is not sent compressed");

            // Each link names its file's fingerprint, so browsers may keep it for good.
            Assert.True(response.Headers.CacheControl?.ToString() == "max-age=31536000, immutable", $"{link}: Cache-Control {response.Headers.CacheControl}");
        }
    }

    [Fact]
    public async Task Should_not_count_stylesheets_and_scripts_against_the_flood_limit()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["RateLimits:FloodRequests"] = "3";
            settings["RateLimits:FloodWindowSeconds"] = "60";
        });
        await site.AddCampaignAsync();
        var reader = site.Browser(IPAddress.Parse("198.51.100.66"));

        // A page and its files, three times over: only the pages count.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            statuses.Add((await reader.GetAsync("/c/stop-the-cameras")).StatusCode);
            foreach (var file in new[] { "/css/site.css", "/js/pulse.js", "/js/error-focus.js", "/lib/altcha/altcha.js" })
            {
                statuses.Add((await reader.GetAsync(file)).StatusCode);
            }
        }

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.OK, status));
        Assert.Equal(HttpStatusCode.TooManyRequests, (await reader.GetAsync("/c/stop-the-cameras")).StatusCode);
    }

    private async Task<HttpResponseMessage> GetAsync(string path, string? acceptEncoding = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (acceptEncoding is not null)
        {
            request.Headers.AcceptEncoding.ParseAdd(acceptEncoding);
        }

        return await _site.Browser().SendAsync(request);
    }
}
