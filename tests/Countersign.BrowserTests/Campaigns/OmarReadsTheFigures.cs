using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Signing.SuzieSignsAPetition;

namespace Countersign.BrowserTests.Campaigns;

/// <summary>
/// Omar, a journalist, follows the link beside a campaign's count to see when and where people signed, on his phone and
/// on a desktop, in English and in French: charts and a map with their tables, which fit the screen and pass axe.
/// </summary>
public sealed class OmarReadsTheFigures
{
    [Fact]
    public async Task Omar_follows_the_count_to_the_charts_and_the_map()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        var campaign = await site.AddCampaignAsync();
        var today = DateOnly.FromDateTime(site.Clock.GetUtcNow().UtcDateTime);
        var byCountry = new Dictionary<string, int> { ["FR"] = 640, ["GB"] = 210, ["PS"] = 95, ["BR"] = 31, ["ZA"] = 12, ["IS"] = 2 };
        await site.QueryAsync(async db =>
        {
            // Three weeks of signatures, a busy first day and the same each day after, that add up to the countries' counts.
            var total = byCountry.Values.Sum();
            var byDay = Enumerable.Range(0, 21).ToDictionary(i => today.AddDays(-i), i => total / 42);
            byDay[today.AddDays(-20)] += total - byDay.Values.Sum();

            await Counters.AddAsync(db, campaign.Id, byCountry, byDay);
            return 0;
        });

        await using var browser = await Browser.LaunchAsync();
        foreach (var (locale, link, heading) in new[] { ("en-GB", "Signatures by day and by country", "Signatures in figures"), ("fr-FR", "Les signatures par jour et par pays", "Les signatures en chiffres") })
        {
            foreach (var (width, height) in new[] { (390, 844), (1280, 900) })
            {
                var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Address, Locale = locale, ViewportSize = new ViewportSize { Width = width, Height = height } });
                var page = await context.NewPageAsync();
                await page.GotoAsync($"/c/{campaign.Slug}");
                await page.GetByRole(AriaRole.Link, new() { Name = link }).ClickAsync();
                await page.GetByRole(AriaRole.Heading, new() { Name = heading, Level = 1 }).WaitForAsync();

                Assert.Equal(3, await page.GetByRole(AriaRole.Img).CountAsync());
                Assert.Equal(5, await page.Locator(".map-shaded path").CountAsync());
                Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), $"{locale} {width}px: nothing wider than the screen.");
                await ExpectAccessibleAsync(page);
                await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, $"figures-{locale}-{width}.png"), FullPage = true });
                await context.CloseAsync();
            }
        }
    }
}
