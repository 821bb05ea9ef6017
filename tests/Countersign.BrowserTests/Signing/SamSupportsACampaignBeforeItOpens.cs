using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace Countersign.BrowserTests.Signing;

/// <summary>
/// Sam gets a campaign's sponsor link from its organisers before it is public, signs it (the anti-spam check
/// fetching its challenge through the link), confirms, and his signature is the one that sends it to review.
/// </summary>
public sealed class SamSupportsACampaignBeforeItOpens
{
    [Fact]
    public async Task Sam_signs_through_the_sponsor_link_and_sends_the_campaign_to_review()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["Campaigns:SponsorSignatures"] = "1", kestrel: true);
        var campaign = await site.AddCampaignAsync(state: CampaignState.Sponsoring);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Address });
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };

        await page.GotoAsync("/" + campaign.SponsorPath);
        await page.GetByRole(AriaRole.Heading, new() { Name = "Support this campaign" }).WaitForAsync();
        await ExpectAccessibleAsync(page);
        await page.GetByLabel("Your name").FillAsync("Sam Okoye");
        await page.GetByLabel("Email address").FillAsync("sam.okoye@example.org");
        await page.GetByLabel("Country").SelectOptionAsync("GB");
        await page.GetByLabel("No, keep my name private").CheckAsync();
        foreach (var host in campaign.Hosts)
        {
            await page.GetByRole(AriaRole.Group, new() { Name = $"Keep me updated by {host.Name}?" }).GetByLabel("No").CheckAsync();
        }

        await page.WaitForFunctionAsync("() => document.querySelector('input[name=altcha]')?.value?.length > 0", null, new() { Timeout = 30_000 });
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Check your email" }).WaitForAsync();

        var email = Assert.Single(await site.Mailbox.EmailsAsync(1));
        await page.GotoAsync(Mailbox.ConfirmationPath(email));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my signature" }).ClickAsync();
        await page.GetByText("has the supporting signatures it needs and now waits for a moderator's review").WaitForAsync();
        Assert.Equal(CampaignState.InReview, await site.QueryAsync(db => db.Campaigns.Select(c => c.State).SingleAsync()));
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    private static async Task ExpectAccessibleAsync(IPage page)
    {
        var results = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        Assert.True(results.Violations.Length == 0, string.Join("\n", results.Violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length} element(s), e.g. {v.Nodes.FirstOrDefault()?.Html})")));
    }
}
