using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Campaigns.ACampaignFromDraftToUpdate;
using static Countersign.BrowserTests.Staff.OrganiserSecuresHerAccount;

namespace Countersign.BrowserTests.Staff;

/// <summary>
/// Malik, a moderator, reads the change the organisers of an open campaign propose, line by line:
/// each box of the diff is as tall as its lines, without the empty bands it once had between them.
/// </summary>
public sealed class MalikReadsAChangeForReview
{
    [Fact]
    public async Task A_moderator_reads_each_changed_field_as_a_compact_list_of_lines()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        await site.Staff.AddAsync("organiser@example.org");
        await site.Staff.AddAsync("malik@example.org", StaffRoles.Moderator);
        var campaign = await site.AddCampaignAsync();
        await ProposeNewDemandsAsync(site, campaign.Id, "organiser@example.org");

        await using var browser = await Browser.LaunchAsync();
        var malik = await NewPageAsync(browser, site);
        await malik.GotoAsync("/staff/reviews");
        await SignInAsync(malik, site, "malik@example.org");
        await malik.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes: continue" }).ClickAsync();
        await malik.GotoAsync("/staff/reviews");
        await malik.GetByRole(AriaRole.Link, new() { Name = campaign.Title }).ClickAsync();
        await malik.Locator(".diff ins").First.WaitForAsync();
        var review = malik.Url;

        foreach (var (language, width, height) in new[] { ("en", 1280, 900), ("en", 390, 844), ("fr", 390, 844), ("fr", 1280, 900) })
        {
            await malik.SetViewportSizeAsync(width, height);
            await malik.GotoAsync($"/language/{language}?returnUrl={Uri.EscapeDataString(new Uri(review).PathAndQuery)}");
            var boxes = await malik.EvaluateAsync<BoxHeight[]>("""
                () => [...document.querySelectorAll('.diff')].map(box => {
                  const style = getComputedStyle(box);
                  const inner = box.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
                  const lines = [...box.children].reduce((sum, line) => sum + line.getBoundingClientRect().height, 0);
                  return { inner, lines, count: box.children.length };
                })
                """);
            Assert.NotEmpty(boxes);
            Assert.All(boxes, box => Assert.True(box.Count > 0 && box.Inner - box.Lines < 1,
                $"At {width} px ({language}), a diff box of {box.Count} line(s) is {box.Inner} px tall inside for {box.Lines} px of lines."));
            await malik.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, $"review-diff-{language}-{width}.png"), FullPage = true });
        }
    }

    /// <summary>A diff box's height inside its padding, and the sum of its lines' heights (Playwright fills it by its properties).</summary>
    private sealed class BoxHeight
    {
        public double Inner { get; set; }
        public double Lines { get; set; }
        public int Count { get; set; }
    }

    /// <summary>The organiser adds two demands to the open campaign, which sends the change to the moderators.</summary>
    private static async Task ProposeNewDemandsAsync(TestSite site, int campaignId, string organiser)
    {
        var organiserId = await site.QueryAsync(db => db.StaffUsers.Where(u => u.Email == organiser).Select(u => u.Id).SingleAsync());
        var by = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, organiserId.ToString(CultureInfo.InvariantCulture))], StaffSignIn.Scheme));
        await using var scope = site.Services.CreateAsyncScope();
        var lifecycle = scope.ServiceProvider.GetRequiredService<CampaignLifecycle>();
        var input = CampaignInput.From(await site.QueryAsync(db => db.Campaigns.AsNoTracking().Include(c => c.Hosts).SingleAsync(c => c.Id == campaignId)));
        input.Demands += "\nPublish the contract with the camera maker\nSell the stake in the face-scanning firm";
        var saved = await lifecycle.SaveAsync((await lifecycle.FindAsync(campaignId, default))!, input, by, default);
        Assert.True(saved.ChangeProposed, $"The change was not proposed: {saved.Outcome} {saved.Refusal}");
    }
}
