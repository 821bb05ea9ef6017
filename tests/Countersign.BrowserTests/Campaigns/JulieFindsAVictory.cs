using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Signing.SuzieSignsAPetition;

namespace Countersign.BrowserTests.Campaigns;

/// <summary>
/// Julie opens the home page on her phone and on a desktop, in English and in French: open campaigns first, then the
/// victory she heard about; she finds it again by typing its target without the accent.
/// </summary>
public sealed class JulieFindsAVictory
{
    [Fact]
    public async Task Julie_sees_open_campaigns_then_victories_and_finds_one_by_its_target()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        var open = await site.AddCampaignAsync("stop-the-cameras");
        var now = site.Clock.GetUtcNow().UtcDateTime;
        var won = TestCampaigns.Make(now, "drop-the-stake", CampaignState.Delivered, hosts: ["Jewish Voice for Peace"]);
        won.Title = "Drop the stake in the checkpoint firm";
        won.Targets = ["Société Générale"];
        won.RecordOutcome(CampaignOutcome.Won, DateOnly.FromDateTime(now), "The bank sold its stake.", now);
        await site.QueryAsync(db =>
        {
            db.Campaigns.Add(won);
            return db.SaveChangesAsync();
        });

        await using var browser = await Browser.LaunchAsync();
        foreach (var (locale, victories) in new[] { ("en-GB", "Victories"), ("fr-FR", "Victoires") })
        {
            foreach (var (width, height) in new[] { (390, 844), (1280, 900) })
            {
                var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Address, Locale = locale, ViewportSize = new ViewportSize { Width = width, Height = height } });
                var page = await context.NewPageAsync();
                await page.GotoAsync("/");
                var openTitle = await page.GetByRole(AriaRole.Link, new() { Name = open.Title }).BoundingBoxAsync();
                var victoriesHeading = await page.GetByRole(AriaRole.Heading, new() { Name = victories }).BoundingBoxAsync();
                var wonTitle = await page.GetByRole(AriaRole.Link, new() { Name = won.Title }).BoundingBoxAsync();
                Assert.True(openTitle!.Y < victoriesHeading!.Y && victoriesHeading.Y < wonTitle!.Y, $"{locale} {width}px: open, then victories.");
                await ExpectAccessibleAsync(page);
                await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, $"home-{locale}-{width}.png"), FullPage = true });

                await page.GetByRole(AriaRole.Searchbox).FillAsync("societe generale");
                await page.GetByRole(AriaRole.Searchbox).PressAsync("Enter");
                // The results' document, not its load event: on a busy CI machine that event once took over 30 s.
                await page.WaitForURLAsync("**/?q=societe*", new() { WaitUntil = WaitUntilState.DOMContentLoaded });
                await page.GetByRole(AriaRole.Link, new() { Name = won.Title }).WaitForAsync();
                Assert.Equal(1, await page.Locator(".campaign-card").CountAsync());
                await ExpectAccessibleAsync(page);
                await context.CloseAsync();
            }
        }
    }
}
