using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using OtpNet;

namespace Countersign.BrowserTests.Staff;

/// <summary>Amara, a new organiser, signs in for the first time: she sets up her authenticator app and keeps her recovery codes.</summary>
public sealed class OrganiserSecuresHerAccount
{
    [Fact]
    public async Task Amara_sets_up_her_authenticator_sees_her_recovery_codes_and_reaches_the_staff_pages()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        await site.Staff.AddAsync("amara@example.org", StaffRoles.Moderator);
        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Address, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };

        await page.GotoAsync("/staff");
        await ExpectAccessibleAsync(page);
        await SignInAsync(page, site, "amara@example.org");

        // The recovery codes are shown once, then she goes on to the page she asked for.
        var codes = await page.GetByTestId("recovery-codes").Locator("li").AllInnerTextsAsync();
        Assert.Equal(StaffAuthenticator.RecoveryCodeCount, codes.Count);
        Assert.All(codes, code => Assert.Matches("^[2-9a-z]{5}-[2-9a-z]{5}$", code.Trim()));
        await ExpectAccessibleAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "recovery-codes.png"), FullPage = true });
        await page.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes: continue" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Your account" }).WaitForAsync();
        Assert.EndsWith("/staff", page.Url, StringComparison.Ordinal);
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    /// <summary>
    /// Signs in through the pages as a person does the first time: password, then the authenticator
    /// set up with the key the page shows (an app would read the QR code), then its code.
    /// </summary>
    internal static async Task SignInAsync(IPage page, TestSite site, string email)
    {
        await page.GetByLabel("Email address").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(TestStaff.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Set up your authenticator app" }).WaitForAsync();
        Assert.Equal(1, await page.Locator("svg.qr-code").CountAsync());
        await ExpectAccessibleAsync(page);

        await page.GetByText("Cannot scan it? Type this key instead").ClickAsync();
        var key = Base32Encoding.ToBytes((await page.GetByTestId("authenticator-key").InnerTextAsync()).Replace(" ", "", StringComparison.Ordinal));
        await page.GetByLabel("Enter the 6-digit code the app shows").FillAsync(await site.Staff.CodeAsync(email, key));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await page.GetByRole(AriaRole.Heading, new() { Name = "Your authenticator app is set up" }).WaitForAsync();
    }

    /// <summary>No WCAG 2.1 A/AA violations that axe-core can detect.</summary>
    private static async Task ExpectAccessibleAsync(IPage page)
    {
        var results = await page.RunAxe(new AxeRunOptions { RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
        Assert.True(results.Violations.Length == 0, string.Join("\n", results.Violations.Select(v => $"{v.Id}: {v.Help} ({v.Nodes.Length} element(s), e.g. {v.Nodes.FirstOrDefault()?.Html})")));
    }
}
