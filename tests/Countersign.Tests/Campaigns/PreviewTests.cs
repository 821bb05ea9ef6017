using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// Someone pastes a campaign's address into a chat or a post: the site that shows the link reads the page's OpenGraph
/// and Twitter card tags and fetches its share image, drawn with the campaign's title, count and hosts. A sponsor link
/// shows nothing of its campaign. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class PreviewTests(DatabaseProvider provider) : IAsyncLifetime
{
    protected TestSite Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_describe_a_campaign_page_with_its_absolute_address_and_image()
    {
        var campaign = await Site.AddCampaignAsync();

        var page = await PageAsync($"/c/{campaign.Slug}");

        var address = $"{TestSite.PublicUrl}/c/{campaign.Slug}";
        Assert.Equal(address, Meta(page, "og:url"));
        Assert.Equal(address, page.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
        Assert.Equal(campaign.Title, Meta(page, "og:title"));
        Assert.Equal(campaign.Summary, Meta(page, "og:description"));
        Assert.Equal("article", Meta(page, "og:type"));
        Assert.Equal("en_GB", Meta(page, "og:locale"));
        Assert.Equal($"{address}/preview.png", Meta(page, "og:image"));
        Assert.Equal(PreviewImage.Width.ToString(System.Globalization.CultureInfo.InvariantCulture), Meta(page, "og:image:width"));
        Assert.Equal(PreviewImage.Height.ToString(System.Globalization.CultureInfo.InvariantCulture), Meta(page, "og:image:height"));
        Assert.Contains(campaign.Title, Meta(page, "og:image:alt"), StringComparison.Ordinal);
        Assert.Equal("summary_large_image", Meta(page, "twitter:card", "name"));
    }

    [Theory]
    [InlineData("/", "/")]
    [InlineData("/?q=cameras", "/")]
    [InlineData("/privacy", "/privacy")]
    public async Task Should_describe_the_site_pages_with_the_site_image(string path, string canonical)
    {
        await Site.AddCampaignAsync();
        var french = Site.Browser();
        french.DefaultRequestHeaders.AcceptLanguage.Add(new("fr"));

        var page = await PageAsync(path, french);

        Assert.Equal(TestSite.PublicUrl + canonical, Meta(page, "og:url"));
        Assert.Equal(TestSite.PublicUrl + canonical, page.QuerySelector("link[rel=canonical]")?.GetAttribute("href"));
        Assert.Equal($"{TestSite.PublicUrl}/preview.png", Meta(page, "og:image"));
        Assert.Equal("website", Meta(page, "og:type"));
        Assert.Equal("fr_FR", Meta(page, "og:locale"));
        Assert.Equal("summary", Meta(page, "twitter:card", "name"));
        Assert.False(string.IsNullOrWhiteSpace(Meta(page, "og:description")));
        Assert.DoesNotContain("Stop the cameras", Meta(page, "og:title"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_describe_an_update_with_its_own_address_and_the_campaign_image()
    {
        var campaign = await Site.AddCampaignAsync();
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var update = new CampaignUpdate { CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = "The vote is postponed", BodyMarkdown = "Text.", CreatedAt = now, UpdatedAt = now };
        update.Publish(now);
        await Site.QueryAsync(db =>
        {
            db.CampaignUpdates.Add(update);
            return db.SaveChangesAsync();
        });

        var page = await PageAsync($"/c/{campaign.Slug}/updates/{update.Id}");

        Assert.Equal($"{TestSite.PublicUrl}/c/{campaign.Slug}/updates/{update.Id}", Meta(page, "og:url"));
        Assert.Equal(update.Title, Meta(page, "og:title"));
        Assert.Equal($"{TestSite.PublicUrl}/c/{campaign.Slug}/preview.png", Meta(page, "og:image"));
    }

    [Fact]
    public async Task Should_show_nothing_of_a_campaign_through_its_sponsor_link()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Sponsoring);

        var response = await Site.Browser().GetAsync("/" + campaign.SponsorPath);
        var html = await response.Content.ReadAsStringAsync();
        var page = new HtmlParser().ParseDocument(html);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var head = page.Head!.OuterHtml;
        Assert.DoesNotContain(campaign.SponsorToken!, head, StringComparison.Ordinal);
        Assert.DoesNotContain(campaign.Title, Meta(page, "og:title"), StringComparison.Ordinal);
        Assert.DoesNotContain(campaign.Summary, head, StringComparison.Ordinal);
        Assert.Equal(TestSite.PublicUrl + "/", Meta(page, "og:url"));
        Assert.Equal($"{TestSite.PublicUrl}/preview.png", Meta(page, "og:image"));
        Assert.Null(page.QuerySelector("link[rel=canonical]"));
        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync($"/c/{campaign.Slug}/preview.png")).StatusCode);
    }

    [Fact]
    public async Task Should_leave_previews_off_the_staff_pages()
    {
        var page = await PageAsync("/staff/login");

        Assert.Empty(page.QuerySelectorAll("meta[property^='og:']"));
    }

    [Fact]
    public async Task Should_draw_a_campaign_image_that_proxies_may_keep()
    {
        var campaign = await Site.AddCampaignAsync();

        var response = await Site.Browser().GetAsync($"/c/{campaign.Slug}/preview.png");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/png", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=300", response.Headers.CacheControl?.ToString());
        Assert.NotNull(response.Headers.ETag);
        using var image = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PreviewImage.Width, image.Width);
        Assert.Equal(PreviewImage.Height, image.Height);
        var head = await Site.Browser().SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/c/{campaign.Slug}/preview.png"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal("image/png", head.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_draw_the_site_image()
    {
        var response = await Site.Browser().GetAsync("/preview.png");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var image = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(PreviewImage.Width, image.Width);
        Assert.Equal(PreviewImage.Height, image.Height);
    }

    [Theory]
    [InlineData("unknown-campaign")]
    [InlineData("stop%2Fthe-cameras")]
    [InlineData("%FF%FEstop")]
    [InlineData("%E2%80%AEstop-the-cameras")]
    [InlineData("STOP-THE-CAMERAS")]
    public async Task Should_answer_404_for_an_address_that_is_no_public_campaign(string slug)
    {
        await Site.AddCampaignAsync();
        await Site.AddCampaignAsync("a-draft", CampaignState.Draft);

        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync($"/c/{slug}/preview.png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync("/c/a-draft/preview.png")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync($"/c/{new string('a', 2000)}/preview.png")).StatusCode);
    }

    [Fact]
    public async Task Should_answer_304_to_a_client_holding_the_same_image()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var first = await browser.GetAsync($"/c/{campaign.Slug}/preview.png");

        var request = new HttpRequestMessage(HttpMethod.Get, $"/c/{campaign.Slug}/preview.png");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        var again = await browser.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, again.StatusCode);
        Assert.Empty(await again.Content.ReadAsByteArrayAsync());
        Assert.Equal(first.Headers.ETag, again.Headers.ETag);
    }

    [Fact]
    public async Task Should_draw_the_image_again_once_the_count_has_moved_and_the_redraw_interval_passed_and_only_then()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var path = $"/c/{campaign.Slug}/preview.png";
        var before = await browser.GetAsync(path);

        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, campaign.Goal / 2)));
        var soon = await browser.GetAsync(path);
        Site.Clock.Advance(SharePreviewCache.RedrawInterval);
        var later = await browser.GetAsync(path);
        Site.Clock.Advance(SharePreviewCache.RedrawInterval);
        var unchanged = await browser.GetAsync(path);

        Assert.Equal(before.Headers.ETag, soon.Headers.ETag);
        Assert.NotEqual(before.Headers.ETag, later.Headers.ETag);
        Assert.Equal(later.Headers.ETag, unchanged.Headers.ETag);
        Assert.NotEqual(await before.Content.ReadAsByteArrayAsync(), await later.Content.ReadAsByteArrayAsync());
        using var drawn = SKBitmap.Decode(await later.Content.ReadAsByteArrayAsync());
        Assert.Equal(PreviewImage.Width, drawn.Width);
    }

    [Fact]
    public async Task Should_draw_each_card_once_however_many_ask_for_it_at_the_same_time()
    {
        var campaign = await Site.AddCampaignAsync();
        var images = Site.Services.GetRequiredService<SharePreviewCache>();
        var card = SharePreview.CardFor(campaign, Site.Services.GetRequiredService<IOptions<SiteOptions>>().Value, Site.Services.GetRequiredService<IStringLocalizer<SharedResource>>());

        var drawings = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => images.For(campaign.Slug, card))));

        Assert.All(drawings, drawing => Assert.Same(drawings[0].Png, drawing.Png));
        Assert.NotEmpty(await drawings[0].Png);
    }

    [Theory]
    [InlineData("ar", "أوقفوا الكاميرات")]
    [InlineData("he", "עצרו את המצלמות")]
    public async Task Should_draw_a_right_to_left_title_from_the_right(string language, string title)
    {
        var campaign = await Site.AddCampaignAsync();
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.Title, title).SetProperty(x => x.Language, language)));

        var response = await Site.Browser().GetAsync($"/c/{campaign.Slug}/preview.png");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var image = SKBitmap.Decode(await response.Content.ReadAsByteArrayAsync());
        var (left, right) = InkAcross(image, top: 160, bottom: 400);
        Assert.True(right > PreviewImage.Width - 100, $"The title's ink ends at x={right}: not against the right margin.");
        Assert.True(left > PreviewImage.Width / 4, $"The title's ink starts at x={left}: a one-line right-to-left title should leave the left empty.");
    }

    /// <summary>The leftmost and rightmost columns between the two rows where a pixel is darker than the paper.</summary>
    private static (int Left, int Right) InkAcross(SKBitmap image, int top, int bottom)
    {
        var left = int.MaxValue;
        var right = -1;
        for (var y = top; y < bottom; y++)
        {
            for (var x = 0; x < image.Width; x++)
            {
                var pixel = image.GetPixel(x, y);
                if (pixel.Red + pixel.Green + pixel.Blue < 3 * 128)
                {
                    left = Math.Min(left, x);
                    right = Math.Max(right, x);
                }
            }
        }

        Assert.True(right >= 0, "The title's area is empty.");
        return (left, right);
    }

    private async Task<IDocument> PageAsync(string path, HttpClient? browser = null)
    {
        var response = await (browser ?? Site.Browser()).GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
    }

    private static string? Meta(IDocument page, string name, string attribute = "property") =>
        page.Head?.QuerySelector($"meta[{attribute}='{name}']")?.GetAttribute("content");
}

public sealed class PreviewOnSqlite() : PreviewTests(DatabaseProvider.Sqlite);

public sealed class PreviewOnPostgres() : PreviewTests(DatabaseProvider.Postgres);
