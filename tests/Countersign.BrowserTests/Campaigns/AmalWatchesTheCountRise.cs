using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Signing.SuzieSignsAPetition;

namespace Countersign.BrowserTests.Campaigns;

/// <summary>
/// Amal keeps the campaign page open on her phone while a partner's newsletter goes out: the count rises on the page
/// without her reloading it, and the form she has started to fill in keeps what she typed.
/// </summary>
public sealed class AmalWatchesTheCountRise
{
    [Fact]
    public async Task Amal_sees_the_count_move_without_a_reload_and_keeps_what_she_typed()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        var campaign = await site.AddCampaignAsync(goal: 5000);

        await using var browser = await Browser.LaunchAsync();
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Address, Locale = "en-GB", ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync($"/c/{campaign.Slug}");
        var count = page.GetByTestId("signature-count");
        Assert.Equal("0", (await count.InnerTextAsync()).Trim());
        await page.GetByLabel("Your name").FillAsync("Amal Haddad");

        await site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, 2345)));

        // The page asks every half minute while in view, and at once when it comes back into view: the latter, here.
        await page.EvaluateAsync("document.dispatchEvent(new Event('visibilitychange'))");
        await Assertions.Expect(count).ToHaveTextAsync("2,345");
        await Assertions.Expect(page.GetByLabel("Your name")).ToHaveValueAsync("Amal Haddad");
        Assert.Equal(1, await page.Locator(".pulse > .progress").CountAsync());
        await ExpectAccessibleAsync(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Browser.ScreenshotFolder, "pulse-en-GB-390.png") });
        await context.CloseAsync();
    }
}
