using System.Text.RegularExpressions;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Signing.SuzieSignsAPetition;
using static Countersign.BrowserTests.Staff.OrganiserSecuresHerAccount;

namespace Countersign.BrowserTests.Campaigns;

/// <summary>
/// A campaign's life through the web pages alone, each person in their own browser: Amara drafts it,
/// Malik the moderator approves it, Suzie signs and confirms, Amara emails an update on behalf of a
/// host, and Suzie unsubscribes from that host with the link in the email.
/// </summary>
public sealed partial class ACampaignFromDraftToUpdate
{
    [Fact]
    public async Task An_organiser_drafts_a_moderator_approves_a_person_signs_gets_an_update_and_unsubscribes()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        await site.Staff.AddAsync("amara@example.org");
        await site.Staff.AddAsync("malik@example.org", StaffRoles.Moderator);
        await using var browser = await Browser.LaunchAsync();
        var amara = await NewPageAsync(browser, site);
        var malik = await NewPageAsync(browser, site);
        var suzie = await NewPageAsync(browser, site);

        // Amara drafts the campaign and sends it for review.
        await amara.GotoAsync("/staff");
        await SignInAsync(amara, site, "amara@example.org");
        await amara.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes: continue" }).ClickAsync();
        await amara.GetByRole(AriaRole.Link, new() { Name = "New campaign" }).ClickAsync();
        await amara.GetByLabel("Title", new() { Exact = true }).FillAsync("Drop the stake in the face-scanning firm");
        await amara.GetByLabel("Address", new() { Exact = true }).FillAsync("drop-the-stake");
        await amara.GetByLabel("Summary", new() { Exact = true }).FillAsync("The fund holds shares in a firm whose cameras watch people at checkpoints.");
        await amara.GetByLabel("Text", new() { Exact = true }).FillAsync("The fund says it invests responsibly. Ask it to **sell its stake**.");
        await amara.GetByLabel("Demands", new() { Exact = true }).FillAsync("Sell the stake");
        await amara.GetByLabel("Targets", new() { Exact = true }).FillAsync("The investment fund");
        await amara.GetByLabel("Host organisations", new() { Exact = true }).FillAsync("Station Watch");
        await amara.GetByLabel("Signature goal").FillAsync("75000");
        await amara.GetByRole(AriaRole.Button, new() { Name = "Save", Exact = true }).ClickAsync();
        await amara.GetByRole(AriaRole.Button, new() { Name = "Send for review" }).ClickAsync();
        await amara.GetByText("Waiting for review").First.WaitForAsync();
        Assert.Equal(404, (await suzie.GotoAsync("/c/drop-the-stake"))!.Status);

        // Malik finds it in the review queue and opens it for signatures.
        await malik.GotoAsync("/staff/reviews");
        await SignInAsync(malik, site, "malik@example.org");
        await malik.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes: continue" }).ClickAsync();
        await malik.GetByRole(AriaRole.Link, new() { Name = "Drop the stake in the face-scanning firm" }).ClickAsync();
        await malik.GetByRole(AriaRole.Button, new() { Name = "Approve and open for signatures" }).ClickAsync();
        await malik.GetByText("Approved: the campaign is open for signatures.").WaitForAsync();

        // Suzie signs, agreeing to hear from Station Watch, and confirms from her email.
        await suzie.GotoAsync("/c/drop-the-stake");
        await suzie.GetByLabel("Your name").FillAsync("Suzie Okafor");
        await suzie.GetByLabel("Email address").FillAsync("suzie.okafor@example.org");
        await suzie.GetByLabel("Country").SelectOptionAsync("IE");
        await suzie.GetByLabel("Yes, show them").CheckAsync();
        await suzie.GetByRole(AriaRole.Group, new() { Name = "Keep me updated by Station Watch?" }).GetByLabel("Yes").CheckAsync();
        await ProofOfWorkDoneAsync(suzie);
        await suzie.GetByRole(AriaRole.Button, new() { Name = "Sign" }).ClickAsync();
        await suzie.GetByRole(AriaRole.Heading, new() { Name = "Check your email" }).WaitForAsync();
        var confirmation = Assert.Single(await site.Mailbox.EmailsAsync(1));
        await suzie.GotoAsync(Mailbox.ConfirmationPath(confirmation));
        await suzie.GetByRole(AriaRole.Button, new() { Name = "Confirm my signature" }).ClickAsync();
        await suzie.GetByRole(AriaRole.Heading, new() { Name = "Thank you: your signature is confirmed" }).WaitForAsync();

        // Amara writes an update on behalf of Station Watch, previews it and emails it.
        await amara.GotoAsync("/staff");
        await amara.GetByRole(AriaRole.Link, new() { Name = "Updates" }).ClickAsync();
        await amara.GetByRole(AriaRole.Link, new() { Name = "New update" }).ClickAsync();
        await amara.GetByLabel("Title", new() { Exact = true }).FillAsync("We met the fund");
        await amara.GetByLabel("On behalf of").SelectOptionAsync(new SelectOptionValue { Label = "Station Watch" });
        await amara.GetByLabel("Text", new() { Exact = true }).FillAsync("Thank you for signing. We handed the fund your **signatures** today.");
        await amara.GetByRole(AriaRole.Button, new() { Name = "Preview" }).ClickAsync();
        await amara.Locator(".preview strong", new() { HasText = "signatures" }).WaitForAsync();
        await amara.GetByRole(AriaRole.Button, new() { Name = "Publish and email" }).ClickAsync();
        await amara.GetByText("Recipients: 1").WaitForAsync();
        await ExpectAccessibleAsync(amara);
        await amara.GetByRole(AriaRole.Button, new() { Name = "Yes, publish and email it now" }).ClickAsync();
        var update = (await site.Mailbox.EmailsAsync(2)).Single(email => email.Subject?.Contains("We met the fund", StringComparison.Ordinal) == true);
        await amara.GotoAsync(amara.Url);
        Assert.Equal("1", (await amara.Locator("[data-figure=sent]").InnerTextAsync()).Trim());
        await ExpectAccessibleAsync(amara);

        // Suzie reads it and unsubscribes from Station Watch with the link in the email.
        Assert.Equal("suzie.okafor@example.org", update.To.Mailboxes.Single().Address);
        await suzie.GotoAsync(UnsubscribeLink().Match(update.TextBody ?? "").Value);
        await ExpectAccessibleAsync(suzie);
        await suzie.GetByRole(AriaRole.Button, new() { Name = "Unsubscribe" }).ClickAsync();
        await suzie.GetByRole(AriaRole.Heading, new() { Name = "You are unsubscribed" }).WaitForAsync();
        var consents = await site.QueryAsync(db => db.Signatures.Select(s => s.UpdatesFromHostIds).SingleAsync());
        Assert.Empty(consents);
        await suzie.GotoAsync("/c/drop-the-stake");
        await suzie.GetByRole(AriaRole.Heading, new() { Name = "We met the fund" }).WaitForAsync();
    }

    /// <summary>A page in a browser context of its own: one person, with their own cookies.</summary>
    internal static async Task<IPage> NewPageAsync(Browser browser, TestSite site)
    {
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Address, ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        return await context.NewPageAsync();
    }

    [GeneratedRegex(@"/u/[A-Za-z0-9_-]+")]
    private static partial Regex UnsubscribeLink();
}
