using System.Text.RegularExpressions;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Countersign.BrowserTests.Signing;

/// <summary>Suzie finds a petition, signs it, confirms from her email and sees her signature counted.</summary>
public sealed class SuzieSignsAPetition
{
    [Fact]
    public async Task Suzie_signs_confirms_from_the_outbox_and_sees_the_count_rise()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        var campaign = await site.AddCampaignAsync(goal: 75_000);
        await site.Staff.AddAsync("organiser@example.org", StaffRoles.Admin);

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Address, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });

        // Any script error or Content-Security-Policy violation shows in the console: there must be none.
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            // The form sent with a missing answer comes back as 422 on purpose; browsers log that status.
            if (message.Type == "error" && !message.Text.Contains("status of 422", StringComparison.Ordinal))
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };

        await page.GotoAsync("/");
        await page.GetByRole(AriaRole.Link, new() { Name = campaign.Title }).ClickAsync();
        await Expect(page.GetByTestId("signature-count"), "0");
        await ExpectAccessibleAsync(page);

        // She forgets to choose about the hosts' updates first: the form comes back with her values.
        await page.GetByLabel("Your name").FillAsync("Suzie Okafor");
        await page.GetByLabel("Email address").FillAsync("suzie.okafor@example.org");
        await page.GetByLabel("Country").SelectOptionAsync("IE");
        await page.GetByLabel("Yes, show them").CheckAsync();
        await ProofOfWorkDoneAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign" }).ClickAsync();
        await page.GetByText("Choose whether this organisation may email you updates.").First.WaitForAsync();
        Assert.Equal("suzie.okafor@example.org", await page.GetByLabel("Email address").InputValueAsync());
        await ExpectAccessibleAsync(page);

        foreach (var host in campaign.Hosts)
        {
            await page.GetByRole(AriaRole.Group, new() { Name = $"Keep me updated by {host.Name}?" }).GetByLabel("No").CheckAsync();
        }

        // The form came back with a new anti-spam challenge, solved in her browser like the first.
        await ProofOfWorkDoneAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Check your email" }).WaitForAsync();
        await site.Mailbox.EmailsAsync(1);

        // Running Countersign locally, her email lands in the outbox, which staff can read.
        await page.GotoAsync("/staff/outbox");
        await Staff.OrganiserSecuresHerAccount.SignInAsync(page, site, "organiser@example.org");
        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes: continue" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Confirm your signature") }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { NameRegex = new Regex(@"confirm.[A-Za-z0-9_-]{43}$") }).ClickAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm my signature" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Thank you: your signature is confirmed" }).WaitForAsync();
        await Expect(page.GetByTestId("signature-count"), "1");

        await page.GotoAsync($"/c/{campaign.Slug}");
        await Expect(page.GetByTestId("signature-count"), "1");
        await ProofOfWorkDoneAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "campaign-page.png"), FullPage = true });
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));

        // The site is on http://127.0.0.1, which Chromium counts as secure: it kept the Secure,
        // __Host- cookies that other addresses could set only over https.
        var cookies = await page.Context.CookiesAsync();
        Assert.Equal([CountersignApp.AntiforgeryCookie, CountersignApp.StaffCookie], cookies.Select(cookie => cookie.Name).Order(StringComparer.Ordinal));
        Assert.All(cookies, cookie => Assert.True(cookie.Secure && cookie.HttpOnly && cookie.Path == "/", $"{cookie.Name}: Secure {cookie.Secure}, HttpOnly {cookie.HttpOnly}, Path {cookie.Path}"));
    }

    /// <summary>Waits for the ALTCHA widget to solve its challenge in a worker and fill in its form field.</summary>
    internal static async Task ProofOfWorkDoneAsync(IPage page)
    {
        await page.WaitForFunctionAsync("() => document.querySelector('input[name=altcha]')?.value?.length > 0", null, new() { Timeout = 30_000 });
        await page.GetByText("Verified").First.WaitForAsync();
    }

    /// <summary>No WCAG 2.1 A/AA violations that axe-core can detect.</summary>
    internal static async Task ExpectAccessibleAsync(IPage page)
    {
        var results = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        Assert.NotEmpty(results.Passes);
        Assert.True(results.Violations.Length == 0, string.Join("\n", results.Violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length} element(s), e.g. {v.Nodes.FirstOrDefault()?.Html})")));
    }

    private static async Task Expect(ILocator locator, string text) =>
        Assert.Equal(text, (await locator.InnerTextAsync()).Trim());
}
