using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Letters;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Signing.SuzieSignsAPetition;
using static Countersign.BrowserTests.Staff.OrganiserSecuresHerAccount;

namespace Countersign.BrowserTests.Letters;

/// <summary>
/// Amina, secretary of a researchers' union, co-signs the ECCV demo letter on her phone: she first sends the form
/// empty and is told what to fill in, then signs, confirms from the email, reads how to prove her domain by DNS, and waits. Malik, a moderator, approves her
/// union; it then appears on the letter with its domain mark, counted in the totals. The letter reads for everyone
/// (axe) in English on a phone and in French on a laptop, and nothing is wider than the screen.
/// </summary>
public sealed class AminaCoSignsTheLetter
{
    private const string Slug = "no-surveillance-sponsors-at-eccv";

    [Fact]
    public async Task An_organisation_co_signs_confirms_from_its_email_is_approved_and_appears_on_the_letter()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoData>().EnsureLoadedAsync(CancellationToken.None);
        }

        await site.Staff.AddAsync("malik@example.org", StaffRoles.Moderator);
        var organisationsBefore = await site.QueryAsync(db => db.CoSignatures.CountAsync(s => s.State == CoSignatureState.Approved));
        await using var browser = await Browser.LaunchAsync();
        var amina = await browser.Chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Address, ViewportSize = new ViewportSize { Width = 390, Height = 844 } });
        var consoleErrors = new List<string>();
        amina.Console += (_, message) =>
        {
            // The form sent empty comes back as 422 on purpose; browsers log that status.
            if (message.Type == "error" && !message.Text.Contains("status of 422", StringComparison.Ordinal))
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };

        // From the campaign page to its letter.
        await amina.GotoAsync($"/c/{Slug}");
        await amina.GetByRole(AriaRole.Link, new() { Name = "Read the letter, see who signed it, or co-sign for your organisation" }).ClickAsync();
        await amina.GetByRole(AriaRole.Heading, new() { Name = "Open letter", Exact = true }).WaitForAsync();
        await ExpectFitsAndAccessibleAsync(amina, "letter-en-390");

        // Sent empty, the form says what is missing, field by field.
        var form = amina.GetByRole(AriaRole.Form, new() { Name = "Co-sign as an organisation" });
        await form.GetByRole(AriaRole.Button, new() { Name = "Sign on behalf of the organisation" }).ClickAsync();
        await amina.GetByText("Enter the organisation's name.").WaitForAsync();
        await amina.GetByText("Confirm that you are entitled to sign on the organisation's behalf.").WaitForAsync();
        await ExpectFitsAndAccessibleAsync(amina, "letter-errors-en-390");

        form = amina.GetByRole(AriaRole.Form, new() { Name = "Co-sign as an organisation" });
        await form.GetByLabel("Name of the organisation").FillAsync("Computer Vision Workers United");
        await form.GetByLabel("Whom it represents, in one line").FillAsync("Researchers and engineers in computer vision");
        await form.GetByLabel("Kind of organisation").SelectOptionAsync(OrganisationKind.Union);
        await form.GetByLabel("Members (optional)").FillAsync("1,200");
        await form.GetByLabel("Country", new() { Exact = true }).SelectOptionAsync("FR");
        await form.GetByLabel("Website", new() { Exact = true }).FillAsync("https://www.cvwu.example.org");
        await form.GetByLabel("Your name", new() { Exact = true }).FillAsync("Amina Diallo");
        await form.GetByLabel("Your role in the organisation").FillAsync("General secretary");
        await form.GetByLabel("Your email address").FillAsync("amina@mail.cvwu.example.org");
        await form.GetByLabel("I am entitled to sign this letter on the organisation's behalf.").CheckAsync();
        await form.GetByLabel("Your name", new() { Exact = true }).FocusAsync();
        await amina.WaitForFunctionAsync("() => document.querySelector('form[aria-labelledby=cosign-heading] input[name=altcha]')?.value?.length > 0", null, new() { Timeout = 30_000 });
        await form.GetByRole(AriaRole.Button, new() { Name = "Sign on behalf of the organisation" }).ClickAsync();
        await amina.GetByRole(AriaRole.Heading, new() { Name = "Check your email" }).WaitForAsync();
        await ExpectAccessibleAsync(amina);

        // She confirms from her email: the signature then waits for the organisers, and is not on the letter yet.
        var confirmation = Assert.Single(await site.Mailbox.EmailsAsync(1));
        Assert.Equal("amina@mail.cvwu.example.org", confirmation.To.Mailboxes.Single().Address);
        await amina.GotoAsync(new Uri(LinkTo(confirmation, "/letters/confirm/")).PathAndQuery);
        await amina.GetByRole(AriaRole.Button, new() { Name = "Confirm the signature" }).ClickAsync();
        await amina.GetByText("now waits for the campaign's organisers").WaitForAsync();
        await ExpectAccessibleAsync(amina);

        // The page offers to prove the domain by DNS too: it shows the record to publish (the check itself is tested
        // against a DNS server on loopback; a browser test must not ask the machine's resolver).
        await amina.GetByRole(AriaRole.Link, new() { Name = "Prove the domain by DNS" }).ClickAsync();
        await amina.GetByRole(AriaRole.Heading, new() { Name = "Prove your organisation's domain" }).WaitForAsync();
        Assert.Contains("_countersign.example.org", await amina.Locator("dl.dns-record").InnerTextAsync(), StringComparison.Ordinal);
        await ExpectFitsAndAccessibleAsync(amina, "letter-domain-en-390");
        await amina.GotoAsync($"/c/{Slug}/letter");
        Assert.Equal(0, await amina.GetByText("Computer Vision Workers United").CountAsync());

        // Malik approves it from the campaign's signatories page.
        var malik = await browser.Chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Address });
        await malik.GotoAsync("/staff");
        await SignInAsync(malik, site, "malik@example.org");
        await malik.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes: continue" }).ClickAsync();
        var campaignId = await site.QueryAsync(db => db.Campaigns.Where(c => c.Slug == Slug).Select(c => c.Id).SingleAsync());
        await malik.GotoAsync($"/staff/campaigns/{campaignId}/signatories");
        await malik.Locator("li", new() { HasText = "Computer Vision Workers United" }).GetByRole(AriaRole.Button, new() { Name = "Approve and publish" }).ClickAsync();
        await malik.GetByText("Computer Vision Workers United is approved").WaitForAsync();

        // On the letter, with its marks, and counted.
        await amina.GotoAsync($"/c/{Slug}/letter");
        var listed = amina.Locator(".signatory-list li", new() { HasText = "Computer Vision Workers United" });
        await listed.GetByText("Domain verified").WaitForAsync();
        Assert.Contains($"{organisationsBefore + 1} organisations in 2 countries", await amina.Locator(".letter-totals").InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("Amina Diallo", await amina.ContentAsync(), StringComparison.Ordinal);
        await ExpectFitsAndAccessibleAsync(amina, "letter-signed-en-390");

        // In French, on a laptop, grouped by country.
        var claire = await browser.Chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Address, Locale = "fr-FR", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        await claire.GotoAsync($"/c/{Slug}/letter");
        await claire.GetByRole(AriaRole.Link, new() { Name = "Par pays" }).ClickAsync();
        await claire.GetByRole(AriaRole.Heading, new() { Name = "France" }).WaitForAsync();
        await ExpectFitsAndAccessibleAsync(claire, "letter-by-country-fr-1280");
        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    private static string LinkTo(MimeKit.MimeMessage message, string path) =>
        (message.TextBody ?? "").Split(['\n', ' '], StringSplitOptions.RemoveEmptyEntries).First(word => word.Contains(path, StringComparison.Ordinal)).Trim();

    /// <summary>Nothing on the page is wider than the screen, and axe finds no WCAG 2.1 A/AA violation.</summary>
    private static async Task ExpectFitsAndAccessibleAsync(IPage page, string screenshot)
    {
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, $"{screenshot}.png"), FullPage = true });
        var tooWide = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
              .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
            """);
        Assert.True(tooWide.Length == 0, "Wider than the screen: " + string.Join(", ", tooWide));
        await ExpectAccessibleAsync(page);
    }
}
