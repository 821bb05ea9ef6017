using Countersign.Data;
using Countersign.Letters;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Staff.OrganiserSecuresHerAccount;

namespace Countersign.BrowserTests.Staff;

/// <summary>
/// Marc organises a campaign with an open letter. On his phone he reads who co-signed it, is told a rejection needs a
/// reason, rejects one organisation and approves another. The page fits the phone, buttons included, and axe finds
/// nothing to fix, in English or in French.
/// </summary>
public sealed class MarcDecidesWhoCoSignsTheLetter
{
    [Fact]
    public async Task An_organiser_rejects_one_organisation_with_a_reason_and_approves_another_on_his_phone()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        await site.Staff.AddAsync("marc@example.org");
        var campaign = await site.AddCampaignAsync("end-the-sponsorship");
        await site.QueryAsync(async db =>
        {
            var marc = await db.StaffUsers.Where(u => u.Email == "marc@example.org").Select(u => u.Id).SingleAsync();
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = marc, Role = StaffRoles.Organiser });
            return await db.SaveChangesAsync();
        });
        await TestSignatories.AddAsync(site, campaign, CoSignatureState.Approved, "Academy of Sciences");
        await TestSignatories.AddAsync(site, campaign, CoSignatureState.Verified, "Society of Physics");
        await TestSignatories.AddAsync(site, campaign, CoSignatureState.Verified, "A shop selling cameras");
        await TestSignatories.AddAsync(site, campaign, CoSignatureState.Pending, "Not confirmed yet");

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Address, ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            // The rejection sent without a reason comes back as 422 on purpose; browsers log that status.
            if (message.Type == "error" && !message.Text.Contains("status of 422", StringComparison.Ordinal))
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };

        await page.GotoAsync("/staff");
        await SignInAsync(page, site, "marc@example.org");
        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes: continue" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Letter signatories" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Waiting for your decision" }).WaitForAsync();
        await ExpectFitsAndAccessibleAsync(page, "signatories-en-390");

        var shop = page.Locator("li", new() { HasText = "A shop selling cameras" });
        await shop.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await page.GetByText("Give a reason: the organisation is told it, and it is kept in the audit log.").WaitForAsync();
        await ExpectFitsAndAccessibleAsync(page, "signatories-refused-en-390");

        await shop.GetByLabel("Reason for rejecting, sent to the organisation").FillAsync("A shop is not a professional body.");
        await shop.GetByRole(AriaRole.Button, new() { Name = "Reject" }).ClickAsync();
        await page.GetByText("A shop selling cameras is rejected").WaitForAsync();

        await page.Locator("li", new() { HasText = "Society of Physics" }).GetByRole(AriaRole.Button, new() { Name = "Approve and publish" }).ClickAsync();
        await page.GetByText("Society of Physics is approved").WaitForAsync();
        Assert.Equal(
            [("Academy of Sciences", CoSignatureState.Approved), ("Society of Physics", CoSignatureState.Approved), ("A shop selling cameras", CoSignatureState.Rejected), ("Not confirmed yet", CoSignatureState.Pending)],
            (await site.QueryAsync(db => db.CoSignatures.OrderBy(s => s.Id).Select(s => new { s.Name, s.State }).ToListAsync())).Select(s => (s.Name, s.State)));
        Assert.Equal(2, await page.Locator("#published-heading + ul > li").CountAsync());

        await page.GotoAsync($"/language/fr?returnUrl={Uri.EscapeDataString($"/staff/campaigns/{campaign.Id}/signatories")}");
        await page.GetByRole(AriaRole.Heading, new() { Name = "Publiées sur la lettre" }).WaitForAsync();
        await ExpectFitsAndAccessibleAsync(page, "signatories-fr-390");

        // The coalition's pages read on his phone too: the partners' links, lines and logos, and their supporters.
        foreach (var staffPage in new[] { "partners", "supporters" })
        {
            var response = await page.GotoAsync($"/staff/campaigns/{campaign.Id}/{staffPage}");
            Assert.Equal(200, response?.Status);
            await ExpectFitsAndAccessibleAsync(page, $"{staffPage}-fr-390");
        }

        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    /// <summary>Nothing on the page is wider than the phone, and axe finds no WCAG 2.1 A/AA violation.</summary>
    private static async Task ExpectFitsAndAccessibleAsync(IPage page, string screenshot)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, $"{screenshot}.png"), FullPage = true });
        var tooWide = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
            """);
        Assert.True(tooWide.Length == 0, "Wider than the phone: " + string.Join(", ", tooWide));
        var results = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        Assert.True(results.Violations.Length == 0, string.Join("\n", results.Violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length} element(s), e.g. {v.Nodes.FirstOrDefault()?.Html})")));
    }
}
