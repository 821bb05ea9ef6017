using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Signing.SuzieSignsAPetition;

namespace Countersign.BrowserTests.Hosting;

/// <summary>
/// Every page the public can open, on a phone and on a desktop, in English and in French, passes axe: the campaign
/// and what hangs off it, the home page, the privacy page, the pages of links from emails (here with links that are
/// not valid, as a forwarded or mistyped one would be) and the page of an address that does not exist.
/// </summary>
public sealed class EveryPublicPageReadsForEveryone
{
    [Fact]
    public async Task Every_public_page_passes_axe_at_both_sizes_in_both_languages()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        var campaign = await site.AddCampaignAsync();
        var now = site.Clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var update = new CampaignUpdate { CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = "The vote is postponed", BodyMarkdown = "The council meets again **next month**.", CreatedAt = now, UpdatedAt = now };
        update.Publish(now);
        await site.QueryAsync(async db =>
        {
            await db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, CommentMode.PostModerated));
            db.CampaignUpdates.Add(update);
            await db.SaveChangesAsync();
            await Counters.AddAsync(db, campaign.Id, new Dictionary<string, int> { ["FR"] = 120, ["PS"] = 40, ["IS"] = 3 }, new Dictionary<DateOnly, int> { [today.AddDays(-1)] = 100, [today] = 63 });
            return 0;
        });

        string[] addresses =
        [
            "/", "/?q=cameras", "/privacy",
            $"/c/{campaign.Slug}", $"/c/{campaign.Slug}/figures", $"/c/{campaign.Slug}/comments", $"/c/{campaign.Slug}/updates/{update.Id}",
            $"/c/{campaign.Slug}/check-email", $"/c/{campaign.Slug}/comments/check-email", $"/c/{campaign.Slug}/thanks",
            $"/c/{campaign.Slug}/share/mastodon", $"/c/{campaign.Slug}/embed",
            "/confirm/not-a-valid-link", "/comments/confirm/not-a-valid-link", "/erase/not-a-valid-link", "/u/not-a-valid-link",
            "/c/no-such-campaign",
        ];

        await using var browser = await Browser.LaunchAsync();
        foreach (var locale in new[] { "en-GB", "fr-FR" })
        {
            foreach (var (width, height) in new[] { (390, 844), (1280, 900) })
            {
                var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Address, Locale = locale, ViewportSize = new ViewportSize { Width = width, Height = height } });
                var page = await context.NewPageAsync();
                foreach (var address in addresses)
                {
                    var response = await page.GotoAsync(address);
                    Assert.True(response is { Status: < 500 }, $"{address} answered {response?.Status}");
                    try
                    {
                        await ExpectAccessibleAsync(page);
                    }
                    catch (Exception problem) when (problem is not OutOfMemoryException)
                    {
                        throw new Xunit.Sdk.XunitException($"{address} ({locale}, {width} px): {problem.Message}");
                    }

                    // Nothing wider than the screen: a phone reader never scrolls sideways.
                    var overflow = await page.EvaluateAsync<int>("document.documentElement.scrollWidth - document.documentElement.clientWidth");
                    Assert.True(overflow <= 0, $"{address} ({locale}, {width} px) is {overflow} px wider than the screen.");
                }

                await context.CloseAsync();
            }
        }
    }
}
