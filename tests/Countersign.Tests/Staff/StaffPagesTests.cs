using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Campaigns;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Staff;

/// <summary>An organiser signs in, creates and edits a campaign, and reads the outbox.</summary>
public abstract class StaffPagesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite _site = null!;

    public async Task InitializeAsync()
    {
        _site = await TestSite.StartAsync(provider);
        await _site.Staff.AddAsync("organiser@example.org", StaffRoles.Admin);
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private Task<HttpClient> SignedInAsync() => _site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);

    [Theory]
    [InlineData("/staff")]
    [InlineData("/staff/outbox")]
    [InlineData("/staff/campaigns/new")]
    [InlineData("/staff/retention")]
    [InlineData("/staff/campaigns/1/trends?from=queue")]
    public async Task Should_send_anonymous_visitors_to_the_sign_in_page(string path)
    {
        var response = await _site.Browser().GetAsync(path);

        // A path, not an address built from the request's Host header (which the client writes).
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/staff/login?returnUrl={Uri.EscapeDataString(path)}", response.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/staff/login", "/staff")]
    [InlineData("/staff/login?returnUrl=%2Fstaff%2Foutbox", "/staff/outbox")]
    [InlineData("/staff/login?returnUrl=https%3A%2F%2Fevil.example%2Fstaff", "/staff")]
    [InlineData("/staff/login?returnUrl=%2F%2Fevil.example", "/staff")]
    public async Task Should_send_someone_signed_in_on_from_the_sign_in_page(string path, string next)
    {
        var browser = await SignedInAsync();

        var response = await browser.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(next, response.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await _site.Browser().GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task Should_sign_out_with_the_button_on_a_staff_page()
    {
        var browser = await SignedInAsync();
        var page = await browser.GetStringAsync("/staff");
        Assert.Contains("action=\"/staff/login?handler=Logout\"", page, StringComparison.Ordinal);

        var signedOut = await browser.PostAsync("/staff/login?handler=Logout", new FormUrlEncodedContent([new("__RequestVerificationToken", FormFiller.AntiforgeryToken(page))]));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_wrong_password_with_a_clear_message()
    {
        var response = await FormFiller.PostAsync(_site.Browser(), "/staff/login", [new("Email", "organiser@example.org"), new("Password", "wrong password!")]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("do not match a staff account", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_create_a_draft_that_appears_on_the_home_page_once_approved()
    {
        var browser = await SignedInAsync();
        var created = await FormFiller.PostAsync(browser, "/staff/campaigns/new",
        [
            new("Input.Title", "Universities: no face recognition on campus"),
            new("Input.Slug", "no-face-recognition-on-campus"),
            new("Input.Summary", "Three universities are testing cameras that identify students."),
            new("Input.Body", "## Why\n\nBecause **privacy** matters."),
            new("Input.Demands", "End the trial\nDelete the data"),
            new("Input.Targets", "University of Example"),
            new("Input.Hosts", "Students' Union | https://union.example.org\nStaff association"),
            new("Input.Goal", "10000"),
            new("Input.Deadline", "2030-06-30"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, created.StatusCode);

        var campaign = await _site.QueryAsync(db => db.Campaigns.Include(c => c.Hosts).SingleAsync());
        Assert.Equal($"/staff/campaigns/{campaign.Id}", created.Headers.Location?.OriginalString);
        Assert.Equal(CampaignState.Draft, campaign.State);
        Assert.Equal(["End the trial", "Delete the data"], campaign.Demands);
        Assert.Equal(["Students' Union", "Staff association"], campaign.Hosts.OrderBy(h => h.Position).Select(h => h.Name));
        Assert.Equal("https://union.example.org", campaign.Hosts.Single(h => h.Position == 0).Website);
        Assert.Equal(new DateOnly(2030, 6, 30), campaign.Deadline);
        Assert.DoesNotContain("/c/no-face-recognition-on-campus", await _site.Browser().GetStringAsync("/"), StringComparison.Ordinal);

        await LifecycleSteps.MoveAsync(browser, campaign.Id, CampaignState.InReview);
        await LifecycleSteps.DecideAsync(browser, await LifecycleSteps.WaitingReviewAsync(_site, campaign.Id), approve: true);

        Assert.Contains("/c/no-face-recognition-on-campus", await _site.Browser().GetStringAsync("/"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_what_was_typed_and_explain_each_problem()
    {
        await _site.AddCampaignAsync("taken-address");
        var browser = await SignedInAsync();
        var response = await FormFiller.PostAsync(browser, "/staff/campaigns/new",
        [
            new("Input.Title", "A title worth keeping"),
            new("Input.Slug", "taken-address"),
            new("Input.Summary", ""),
            new("Input.Goal", "many"),
            new("Input.Deadline", "31/12/2030"),
        ]);
        var html = System.Net.WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("value=\"A title worth keeping\"", html, StringComparison.Ordinal);
        Assert.Contains("This field is required.", html, StringComparison.Ordinal);
        Assert.Contains("Enter a whole number of signatures, at least 1.", html, StringComparison.Ordinal);
        Assert.Contains("Enter a date like 2027-03-31.", html, StringComparison.Ordinal);
        Assert.Equal(1, await _site.QueryAsync(db => db.Campaigns.CountAsync()));

        var duplicate = await FormFiller.PostAsync(browser, "/staff/campaigns/new",
        [
            new("Input.Title", "Another"), new("Input.Slug", "taken-address"), new("Input.Summary", "S"), new("Input.Goal", "5"),
        ]);
        Assert.Contains("Another campaign already uses this address.", await duplicate.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_signers_host_consents_when_hosts_are_edited()
    {
        var campaign = await _site.AddCampaignAsync(hosts: ["Station Watch", "Digital Rights Group"]);
        var stationWatch = campaign.Hosts.Single(h => h.Name == "Station Watch").Id;
        var browser = await SignedInAsync();
        Assert.DoesNotContain("New Partner", await browser.GetStringAsync($"/c/{campaign.Slug}"), StringComparison.Ordinal);
        var form = await browser.GetStringAsync($"/staff/campaigns/{campaign.Id}");
        Assert.Contains("Station Watch", form, StringComparison.Ordinal);
        Assert.Contains("This campaign is: <strong>Open for signatures</strong>", form, StringComparison.Ordinal);

        var saved = await FormFiller.PostAsync(browser, $"/staff/campaigns/{campaign.Id}",
        [
            new("Input.Title", campaign.Title), new("Input.Slug", campaign.Slug), new("Input.Summary", campaign.Summary),
            new("Input.Demands", string.Join('\n', campaign.Demands)), new("Input.Targets", string.Join('\n', campaign.Targets)),
            new("Input.Body", campaign.BodyMarkdown),
            new("Input.Hosts", "New Partner\nStation Watch | https://watch.example.org"), new("Input.Goal", "2000"),
        ]);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);

        // The campaign is open: new hosts wait for a moderator, and signers keep seeing the approved ones.
        Assert.DoesNotContain("New Partner", await _site.Browser().GetStringAsync($"/c/{campaign.Slug}"), StringComparison.Ordinal);
        await LifecycleSteps.DecideAsync(browser, await LifecycleSteps.WaitingReviewAsync(_site, campaign.Id), approve: true);

        var hosts = await _site.QueryAsync(db => db.CampaignHosts.Where(h => h.LeftAt == null).OrderBy(h => h.Position).ToListAsync());
        Assert.Equal(["New Partner", "Station Watch"], hosts.Select(h => h.Name));
        Assert.Equal(stationWatch, hosts[1].Id);

        // The host whose line was taken out left the coalition: its row (and the consents pointing at it) stays.
        Assert.NotNull(await _site.QueryAsync(db => db.CampaignHosts.Where(h => h.Name == "Digital Rights Group").Select(h => h.LeftAt).SingleAsync()));
        Assert.Equal("Digital Rights Group", await _site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.PartnerLeft).Select(e => e.Details).SingleAsync()));

        // The public page shows the edit at once, not when its cached copy expires.
        var page = await browser.GetStringAsync($"/c/{campaign.Slug}");
        Assert.Contains("New Partner", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Digital Rights Group", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/staff/campaigns/9999")).StatusCode);
    }

    [Fact]
    public async Task Should_list_outbox_emails_with_a_clickable_confirmation_link()
    {
        var campaign = await _site.AddCampaignAsync();
        await FormFiller.PostAsync(_site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign));
        await _site.Mailbox.EmailsAsync(1);
        await TestSite.WaitUntilAsync(() => _site.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.SentAt != null)), "the email is recorded as sent");
        var browser = await SignedInAsync();

        var outbox = System.Net.WebUtility.HtmlDecode(await browser.GetStringAsync("/staff/outbox"));
        Assert.Contains("Sent: 1.", outbox, StringComparison.Ordinal);
        var file = System.Text.RegularExpressions.Regex.Match(outbox, "href=\"/staff/outbox/(?<file>[^\"]+\\.eml)\"").Groups["file"].Value;
        var message = await browser.GetStringAsync($"/staff/outbox/{file}");
        Assert.Matches("<a href=\"https://countersign.test/confirm/[A-Za-z0-9_-]{43}\">", message);

        // The erase link sits in a sentence; it is clickable too, without the sentence around it.
        Assert.Matches(": <a href=\"(?<link>https://countersign.test/erase/[^\"]+)\">\\k<link></a></p>", message);

        // Only addresses of this site become links, and the text stays text.
        var crafted = new MimeKit.MimeMessage { Subject = "Links" };
        crafted.From.Add(MimeKit.MailboxAddress.Parse("no-reply@countersign.test"));
        crafted.To.Add(MimeKit.MailboxAddress.Parse("someone@example.org"));
        crafted.Body = new MimeKit.TextPart("plain")
        {
            Text = "Ours: https://countersign.test/c/stop-the-cameras. Not ours: https://evil.example/c/x, http://countersign.test.evil.example/erase/x, HTTPS://COUNTERSIGN.TEST:8443/x and javascript:alert(1) <b>bold</b>",
        };
        var outboxFolder = _site.Services.GetRequiredService<Countersign.Email.OutboxFolder>();
        await outboxFolder.SendAsync(crafted, default);
        var shown = await browser.GetStringAsync($"/staff/outbox/{outboxFolder.List(1)[0].Name}");
        Assert.Contains("Ours: <a href=\"https://countersign.test/c/stop-the-cameras\">https://countersign.test/c/stop-the-cameras</a>. Not ours:", shown, StringComparison.Ordinal);
        var text = shown[shown.IndexOf("class=\"email-text\"", StringComparison.Ordinal)..];
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text[..text.IndexOf("</div>", StringComparison.Ordinal)], "<a "));
        Assert.Contains("&lt;b&gt;bold&lt;/b&gt;", shown, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/staff/outbox/..%2Fkeys.json")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/staff/outbox/missing.eml")).StatusCode);
    }
}

public sealed class StaffPagesOnSqlite() : StaffPagesTests(DatabaseProvider.Sqlite);

public sealed class StaffPagesOnPostgres() : StaffPagesTests(DatabaseProvider.Postgres);
