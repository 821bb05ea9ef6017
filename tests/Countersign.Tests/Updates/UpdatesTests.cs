using System.Globalization;
using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Countersign.Tests.Updates;

/// <summary>
/// Organisers write an update, publish it and email it to the signers who agreed to hear from its
/// host; signers unsubscribe in one click. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class UpdatesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite _site = null!;
    private SmtpSink? _smtp;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_site is not null)
        {
            await _site.DisposeAsync();
        }

        if (_smtp is not null)
        {
            await _smtp.DisposeAsync();
        }
    }

    /// <summary>Starts the site; with <paramref name="sendingPaused"/> the test sends the outbox itself, a round at a time.</summary>
    private async Task<TestSite> StartAsync(bool smtp = false, int? batchSize = null, bool sendingPaused = false)
    {
        if (smtp)
        {
            _smtp = await SmtpSink.StartAsync();
        }

        _site = await TestSite.StartAsync(provider, settings =>
        {
            if (_smtp is not null)
            {
                settings["Smtp:Host"] = _smtp.Host;
                settings["Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture);
                settings["Smtp:Security"] = "None";
            }

            if (batchSize is { } size)
            {
                settings["Updates:BatchSize"] = size.ToString(CultureInfo.InvariantCulture);
            }

            if (sendingPaused)
            {
                settings["Email:SendingPaused"] = "true";
            }
        });
        return _site;
    }

    private OutboxWorker Worker => _site.Services.GetServices<IHostedService>().OfType<OutboxWorker>().Single();

    private UpdateSender Sender => _site.Services.GetRequiredService<UpdateSender>();

    private Task<List<UpdateDelivery>> DeliveriesAsync(int updateId) =>
        _site.QueryAsync(db => db.UpdateDeliveries.AsNoTracking().Where(d => d.UpdateId == updateId).ToListAsync());

    private async Task WaitUntilWrittenAsync(int updateId, int queued) =>
        await TestSite.WaitUntilAsync(async () => (await DeliveriesAsync(updateId)).Count(d => d.State == DeliveryState.Queued) >= queued,
            $"{queued} emails of update {updateId} are in the outbox");

    private async Task WaitUntilAllSentAsync() =>
        await TestSite.WaitUntilAsync(
            () => _site.QueryAsync(async db => !await db.UpdateDeliveries.AnyAsync(d => d.State == DeliveryState.Waiting)
                && !await db.OutboxMessages.AnyAsync(m => m.SentAt == null)),
            "every update email is sent");

    [Fact]
    public async Task Should_email_an_update_through_a_real_mail_server_to_exactly_the_confirmed_signers_who_agreed_to_hear_from_its_host()
    {
        var site = await StartAsync(smtp: true);
        var campaign = await site.AddCampaignAsync(hosts: ["Station Watch", "Digital Rights Group"]);
        var (watch, rights) = (campaign.Hosts[0].Id, campaign.Hosts[1].Id);
        await UpdateSteps.AddSignerAsync(site, campaign, "both@example.org", [watch, rights]);
        await UpdateSteps.AddSignerAsync(site, campaign, "watch-only@example.org", [watch], locale: "fr");
        await UpdateSteps.AddSignerAsync(site, campaign, "held@example.org", [watch], heldBecause: "per-network");
        await UpdateSteps.AddSignerAsync(site, campaign, "pending@example.org", [watch], state: SignatureState.Pending);
        await UpdateSteps.AddSignerAsync(site, campaign, "rights-only@example.org", [rights]);
        await UpdateSteps.AddSignerAsync(site, campaign, "said-no@example.org", []);
        await UpdateSteps.AddSignerAsync(site, campaign, "set-aside@example.org", [watch], setAside: true);
        await UpdateSteps.AddSignerAsync(site, campaign, "bot@example.org", [watch], state: SignatureState.Invalidated);
        var erased = await UpdateSteps.AddSignerAsync(site, campaign, "erased@example.org", [watch]);
        await site.QueryAsync(db => Erasure.EraseAsync(db, site.Services.GetRequiredService<OutboxFolder>(), campaign.Id, erased.EmailKey));

        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign);
        var updateId = await UpdateSteps.SendAsync(site, staff, campaign, watch, "The council postponed its vote",
            "The vote is **postponed**.\n\n<script>alert('x')</script>\n\n[Read the minutes](https://example.org/minutes)");

        var received = await _smtp!.WaitForMessagesAsync(3, TimeSpan.FromSeconds(20));
        await WaitUntilAllSentAsync();
        received = await _smtp.WaitForMessagesAsync(3, TimeSpan.FromSeconds(1));
        Assert.Equal(
            ["both@example.org", "held@example.org", "watch-only@example.org"],
            received.Select(m => m.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));

        var email = received.Single(m => m.To.Mailboxes.Single().Address == "both@example.org");
        Assert.Equal("The council postponed its vote", email.Subject);
        Assert.StartsWith("Station Watch", email.From.Mailboxes.Single().Name, StringComparison.Ordinal);
        var unsubscribe = UpdateSteps.UnsubscribePath(email);
        Assert.Equal("List-Unsubscribe=One-Click", email.Headers["List-Unsubscribe-Post"]);
        Assert.Contains($"https://countersign.test{unsubscribe}", email.TextBody, StringComparison.Ordinal);
        Assert.Contains($"href=\"https://countersign.test{unsubscribe}\"", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Hello Signer both,", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("The vote is **postponed**.", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("<strong>postponed</strong>", email.HtmlBody, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", email.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"https://countersign.test/c/{campaign.Slug}/updates/{updateId}", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("https://countersign.test/erase/", email.TextBody, StringComparison.Ordinal);

        // Each recipient gets a link of their own, and the French signer reads the email's own words in French.
        var french = received.Single(m => m.To.Mailboxes.Single().Address == "watch-only@example.org");
        Assert.NotEqual(unsubscribe, UpdateSteps.UnsubscribePath(french));
        Assert.Contains("Bonjour", french.TextBody, StringComparison.Ordinal);

        var audit = await site.QueryAsync(db => db.AuditEntries.SingleAsync(e => e.Action == AuditAction.UpdateSent));
        Assert.Equal(campaign.Id, audit.CampaignId);
        Assert.Contains("3 recipients", audit.Details, StringComparison.Ordinal);
        Assert.DoesNotContain("@", audit.Details, StringComparison.Ordinal);

        var progress = await staff.GetStringAsync($"/staff/campaigns/{campaign.Id}/updates");
        Assert.Equal(3, UpdateSteps.Figure(progress, "recipients"));
        Assert.Equal(3, UpdateSteps.Figure(progress, "sent"));
    }

    [Fact]
    public async Task Should_unsubscribe_in_one_click_without_cookies_or_token_from_that_host_only()
    {
        var site = await StartAsync();
        var campaign = await site.AddCampaignAsync(hosts: ["Station Watch", "Digital Rights Group"]);
        var (watch, rights) = (campaign.Hosts[0].Id, campaign.Hosts[1].Id);
        var leaving = await UpdateSteps.AddSignerAsync(site, campaign, "leaving@example.org", [watch, rights]);
        var staying = await UpdateSteps.AddSignerAsync(site, campaign, "staying@example.org", [watch]);
        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign);

        await UpdateSteps.SendAsync(site, staff, campaign, watch, "First news from Station Watch");
        var first = await site.Mailbox.EmailsAsync(2);
        var link = UpdateSteps.UnsubscribePath(first.Single(m => m.To.Mailboxes.Single().Address == "leaving@example.org"));

        // Opening the link (as a mail scanner would) changes nothing.
        var opened = await site.CreateClient().GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("Stop receiving updates from Station Watch", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([watch, rights], (await ConsentsAsync(leaving.Id)).Order());

        // A tampered or made-up token finds nothing and changes nothing.
        var tampered = link[..^2] + (link[^2] == 'A' ? "B" : "A") + link[^1];
        foreach (var path in new[] { tampered, "/u/made-up-token", "/u/" + new string('A', 38) })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await site.CreateClient().GetAsync(path)).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await OneClickAsync(path)).StatusCode);
        }

        Assert.Equal([watch, rights], (await ConsentsAsync(leaving.Id)).Order());

        // What a mail client's one-click unsubscribe sends: a POST, no cookie, no antiforgery token.
        var unsubscribed = await OneClickAsync(link);
        Assert.Equal(HttpStatusCode.OK, unsubscribed.StatusCode);
        Assert.Contains("You are unsubscribed", await unsubscribed.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([rights], await ConsentsAsync(leaving.Id));
        Assert.Equal([watch], await ConsentsAsync(staying.Id));

        // Again, as a second click would: the same calm page, and nothing else changes.
        var again = await OneClickAsync(link);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        Assert.Contains("You are unsubscribed", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal([rights], await ConsentsAsync(leaving.Id));

        await UpdateSteps.SendAsync(site, staff, campaign, watch, "Second news from Station Watch");
        await UpdateSteps.SendAsync(site, staff, campaign, rights, "News from Digital Rights Group");
        await WaitUntilAllSentAsync();
        var all = await site.Mailbox.EmailsAsync(4);
        Assert.Equal(4, all.Count);
        Assert.Equal(["staying@example.org"], all.Where(m => m.Subject == "Second news from Station Watch").Select(m => m.To.Mailboxes.Single().Address));
        Assert.Equal(["leaving@example.org"], all.Where(m => m.Subject == "News from Digital Rights Group").Select(m => m.To.Mailboxes.Single().Address));
    }

    [Fact]
    public async Task Should_email_an_update_once_when_publish_and_email_is_pressed_twice_at_the_same_moment()
    {
        var site = await StartAsync();
        var campaign = await site.AddCampaignAsync();
        var host = campaign.Hosts[0].Id;
        for (var i = 0; i < 4; i++)
        {
            await UpdateSteps.AddSignerAsync(site, campaign, $"signer{i}@example.org", [host]);
        }

        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign);
        var saved = await UpdateSteps.PostAsync(staff, campaign.Id, "new", null, UpdateSteps.Form("Twice clicked", host, "Only once, please."));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var updateId = await site.QueryAsync(db => db.CampaignUpdates.Select(u => u.Id).SingleAsync());

        // Both confirmations are filled before either is sent, as a double click sends them.
        var path = UpdateSteps.Path(campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), "Send");
        var form = await UpdateSteps.ConfirmationFormAsync(staff, campaign.Id, updateId);
        var responses = await Task.WhenAll(
            staff.PostAsync(path, new FormUrlEncodedContent(form)),
            staff.PostAsync(path, new FormUrlEncodedContent(form)));
        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Conflict], responses.Select(r => r.StatusCode).Order());

        // Pressed again later: refused, with the reason.
        var later = await UpdateSteps.PostAsync(staff, campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), "Send", []);
        Assert.Equal(HttpStatusCode.Conflict, later.StatusCode);
        Assert.Contains("This update has already been emailed", WebUtility.HtmlDecode(await later.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        await WaitUntilAllSentAsync();
        var emails = await site.Mailbox.EmailsAsync(4);
        Assert.Equal(4, emails.Count);
        Assert.Equal(4, emails.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());
        Assert.Equal(4, (await DeliveriesAsync(updateId)).Count);
        Assert.Equal(1, await site.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.UpdateSent)));
        Assert.Equal(4, await site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Id == updateId).Select(u => u.RecipientCount).SingleAsync()));
    }

    [Fact]
    public async Task Should_write_emails_in_batches_as_the_outbox_sends_them_and_show_the_progress()
    {
        var site = await StartAsync(batchSize: 3, sendingPaused: true);
        var campaign = await site.AddCampaignAsync();
        var host = campaign.Hosts[0].Id;
        for (var i = 0; i < 10; i++)
        {
            await UpdateSteps.AddSignerAsync(site, campaign, $"signer{i}@example.org", [host]);
        }

        await UpdateSteps.AddSignerAsync(site, campaign, "pending@example.org", [host], state: SignatureState.Pending);
        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign);
        var updateId = await UpdateSteps.SendAsync(site, staff, campaign, host, "Ten recipients, three at a time");
        var page = $"/staff/campaigns/{campaign.Id}/updates";

        // The first batch is written at once; the next waits until the outbox has sent it.
        await WaitUntilWrittenAsync(updateId, 3);
        Assert.False(await Sender.RunPassAsync());
        var html = await staff.GetStringAsync(page);
        Assert.Equal((10, 0, 3, 0, 7, 0), Figures(html));

        for (var round = 1; round <= 3; round++)
        {
            await Worker.SendDueAsync(CancellationToken.None);
            await Sender.RunPassAsync();
            await WaitUntilWrittenAsync(updateId, Math.Min(10, (round + 1) * 3));
            html = await staff.GetStringAsync(page);
            var written = Math.Min(10, (round + 1) * 3);
            Assert.Equal((10, round * 3, written - (round * 3), 0, 10 - written, 0), Figures(html));
        }

        await Worker.SendDueAsync(CancellationToken.None);
        await Sender.RunPassAsync();
        await TestSite.WaitUntilAsync(
            async () => await site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Id == updateId).Select(u => u.QueuedAllAt).SingleAsync()) is not null,
            "the sender has finished the update");
        html = await staff.GetStringAsync(page);
        Assert.Equal((10, 10, 0, 0, 0, 0), Figures(html));
        Assert.Contains("Sending is finished.", html, StringComparison.Ordinal);

        var emails = await site.Mailbox.EmailsAsync(10);
        Assert.Equal(10, emails.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());
        Assert.DoesNotContain(emails, m => m.To.Mailboxes.Single().Address == "pending@example.org");
    }

    [Fact]
    public async Task Should_never_send_the_update_emails_of_a_signer_who_erases_their_signature_meanwhile()
    {
        var site = await StartAsync(batchSize: 2, sendingPaused: true);
        var campaign = await site.AddCampaignAsync();
        var host = campaign.Hosts[0].Id;
        var signers = new List<Signature>();
        for (var i = 0; i < 4; i++)
        {
            signers.Add(await UpdateSteps.AddSignerAsync(site, campaign, $"signer{i}@example.org", [host]));
        }

        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign);
        var updateId = await UpdateSteps.SendAsync(site, staff, campaign, host, "Sent while some leave");
        await WaitUntilWrittenAsync(updateId, 2);

        // One erases while their email waits in the outbox, another before theirs is written.
        var deliveries = await DeliveriesAsync(updateId);
        var written = signers.First(s => deliveries.Single(d => d.SignatureId == s.Id).State == DeliveryState.Queued);
        var notYet = signers.First(s => deliveries.Single(d => d.SignatureId == s.Id).State == DeliveryState.Waiting);
        await site.QueryAsync(db => Erasure.EraseAsync(db, site.Services.GetRequiredService<OutboxFolder>(), campaign.Id, written.EmailKey));
        await site.QueryAsync(db => Erasure.EraseAsync(db, site.Services.GetRequiredService<OutboxFolder>(), campaign.Id, notYet.EmailKey));
        Assert.Equal(1, await site.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Kind == SignerEmails.UpdateKind)));

        for (var round = 0; round < 3; round++)
        {
            await Worker.SendDueAsync(CancellationToken.None);
            await Sender.RunPassAsync();
        }

        await Worker.SendDueAsync(CancellationToken.None);
        var emails = await site.Mailbox.EmailsAsync(2);
        Assert.Equal(2, emails.Count);
        Assert.DoesNotContain(emails, m => m.To.Mailboxes.Single().Address == "signer" + signers.IndexOf(written) + "@example.org");
        Assert.DoesNotContain(emails, m => m.To.Mailboxes.Single().Address == "signer" + signers.IndexOf(notYet) + "@example.org");
        var html = await staff.GetStringAsync($"/staff/campaigns/{campaign.Id}/updates");
        Assert.Equal((4, 2, 0, 0, 0, 2), Figures(html));
    }

    [Fact]
    public async Task Should_send_nothing_more_once_the_campaign_is_crypto_shredded()
    {
        var site = await StartAsync(batchSize: 1, sendingPaused: true);
        var campaign = await site.AddCampaignAsync();
        var host = campaign.Hosts[0].Id;
        for (var i = 0; i < 3; i++)
        {
            await UpdateSteps.AddSignerAsync(site, campaign, $"signer{i}@example.org", [host]);
        }

        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign);
        var updateId = await UpdateSteps.SendAsync(site, staff, campaign, host, "Just before the shredding");
        await WaitUntilWrittenAsync(updateId, 1);

        var keys = site.Services.GetRequiredService<CampaignKeys>();
        Assert.True(await site.QueryAsync(db => Erasure.ShredCampaignAsync(db, keys, campaign.Id, site.Clock.GetUtcNow().UtcDateTime)));
        await Worker.SendDueAsync(CancellationToken.None);
        await Sender.RunPassAsync();
        await Worker.SendDueAsync(CancellationToken.None);

        Assert.Equal(0, await site.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.All(await DeliveriesAsync(updateId), d => Assert.Equal(DeliveryState.Skipped, d.State));
        Assert.False(Directory.Exists(Path.Combine(site.DataFolder, "outbox")) && Directory.EnumerateFiles(Path.Combine(site.DataFolder, "outbox")).Any());

        // And no new key was made for the shredded campaign.
        Assert.False(await site.QueryAsync(db => db.CampaignKeys.AnyAsync(k => k.CampaignId == campaign.Id)));
        var refused = await UpdateSteps.PostAsync(staff, campaign.Id, "new", "Send", UpdateSteps.Form("After the shredding", host, "Text"));
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("personal data has been erased", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_what_was_typed_and_explain_each_problem()
    {
        var site = await StartAsync();
        var campaign = await site.AddCampaignAsync();
        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign);

        var missing = await UpdateSteps.PostAsync(staff, campaign.Id, "new", "Send", UpdateSteps.Form("", null, "A text worth keeping"));
        var html = WebUtility.HtmlDecode(await missing.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, missing.StatusCode);
        Assert.Contains("Give the update a title.", html, StringComparison.Ordinal);
        Assert.Contains("Choose the host organisation this update speaks for.", html, StringComparison.Ordinal);
        Assert.Contains("A text worth keeping</textarea>", html, StringComparison.Ordinal);

        var tooLong = await UpdateSteps.PostAsync(staff, campaign.Id, "new", null,
            UpdateSteps.Form(new string('t', CampaignUpdate.TitleMaxLength + 1), campaign.Hosts[1].Id, new string('b', CampaignUpdate.BodyMaxLength + 1)));
        html = WebUtility.HtmlDecode(await tooLong.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains($"The title can be at most {CampaignUpdate.TitleMaxLength} characters long.", html, StringComparison.Ordinal);
        Assert.Contains($"The text can be at most {CampaignUpdate.BodyMaxLength.ToString("N0", CultureInfo.GetCultureInfo("en-GB"))} characters long.", html, StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{campaign.Hosts[1].Id}\" selected=\"selected\">", html, StringComparison.Ordinal);

        var notAHost = await UpdateSteps.PostAsync(staff, campaign.Id, "new", null, UpdateSteps.Form("Title", 99999, "Text"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAHost.StatusCode);
        Assert.Equal(0, await site.QueryAsync(db => db.CampaignUpdates.CountAsync()));
        Assert.Equal(0, await site.QueryAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task Should_preview_the_sanitised_markdown_on_the_same_page_without_saving()
    {
        var site = await StartAsync();
        var campaign = await site.AddCampaignAsync();
        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign);

        var response = await UpdateSteps.PostAsync(staff, campaign.Id, "new", "Preview",
            UpdateSteps.Form("Looking good?", campaign.Hosts[0].Id, "We **won** a hearing.\n\n<script>alert('x')</script>"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("<strong>won</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Looking good?\"", html, StringComparison.Ordinal);
        Assert.Contains("We **won** a hearing.", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains($"<option value=\"{campaign.Hosts[0].Id}\" selected=\"selected\">", html, StringComparison.Ordinal);
        Assert.Equal(0, await site.QueryAsync(db => db.CampaignUpdates.CountAsync()));
    }

    [Fact]
    public async Task Should_show_published_updates_on_the_campaign_page_and_in_its_json_but_not_drafts_and_not_before_launch()
    {
        var site = await StartAsync();
        var draftCampaign = await site.AddCampaignAsync("not-yet", CampaignState.Draft);
        var campaign = await site.AddCampaignAsync();
        await UpdateSteps.AddSignerAsync(site, campaign, "reader@example.org", [campaign.Hosts[0].Id]);
        var staff = await UpdateSteps.SignedInOrganiserAsync(site, campaign, draftCampaign);

        var early = await UpdateSteps.PostAsync(staff, draftCampaign.Id, "new", "Publish", UpdateSteps.Form("Too early", draftCampaign.Hosts[0].Id, "Text"));
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("once the campaign is public", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var published = await UpdateSteps.PostAsync(staff, campaign.Id, "new", "Publish", UpdateSteps.Form("The hearing is set", campaign.Hosts[0].Id, "On **12 March**, at the council."));
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        var draft = await UpdateSteps.PostAsync(staff, campaign.Id, "new", null, UpdateSteps.Form("A secret draft", campaign.Hosts[0].Id, "Not yet."));
        Assert.Equal(HttpStatusCode.Redirect, draft.StatusCode);
        var ids = await site.QueryAsync(db => db.CampaignUpdates.ToDictionaryAsync(u => u.Title, u => u.Id));

        var page = await site.Browser().GetStringAsync($"/c/{campaign.Slug}");
        Assert.Contains($"<a lang=\"en\" dir=\"ltr\" href=\"/c/{campaign.Slug}/updates/{ids["The hearing is set"]}\">The hearing is set</a>", page, StringComparison.Ordinal);
        Assert.Contains("<strong>12 March</strong>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("A secret draft", page, StringComparison.Ordinal);
        var single = await site.Browser().GetStringAsync($"/c/{campaign.Slug}/updates/{ids["The hearing is set"]}");
        Assert.Contains("<h1 lang=\"en\" dir=\"ltr\">The hearing is set</h1>", single, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await site.Browser().GetAsync($"/c/{campaign.Slug}/updates/{ids["A secret draft"]}")).StatusCode);

        using var json = System.Text.Json.JsonDocument.Parse(await site.Browser().GetStringAsync($"/c/{campaign.Slug}.json"));
        var update = Assert.Single(json.RootElement.GetProperty("updates").EnumerateArray());
        Assert.Equal("The hearing is set", update.GetProperty("title").GetString());
        Assert.Equal("Station Watch", update.GetProperty("host").GetString());
        Assert.Equal($"https://countersign.test/c/{campaign.Slug}/updates/{ids["The hearing is set"]}", update.GetProperty("url").GetString());

        // Published without email: nobody was written to, and the text no longer changes.
        Assert.Equal(0, await site.QueryAsync(db => db.UpdateDeliveries.CountAsync()));
        var edit = await UpdateSteps.PostAsync(staff, campaign.Id, ids["The hearing is set"].ToString(CultureInfo.InvariantCulture), null, UpdateSteps.Form("Changed", campaign.Hosts[0].Id, "Changed"));
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        Assert.Equal(1, await site.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.UpdatePublished)));

        // It can still be emailed, once.
        var emailed = await UpdateSteps.ConfirmSendAsync(staff, campaign.Id, ids["The hearing is set"]);
        Assert.Equal(HttpStatusCode.Redirect, emailed.StatusCode);
        var email = Assert.Single(await site.Mailbox.EmailsAsync(1));
        Assert.Equal("The hearing is set", email.Subject);
    }

    private async Task<List<int>> ConsentsAsync(long signatureId) =>
        await _site.QueryAsync(db => db.Signatures.Where(s => s.Id == signatureId).Select(s => s.UpdatesFromHostIds).SingleAsync());

    /// <summary>What a mail client sends for RFC 8058 one-click unsubscribe: no cookies, no antiforgery token.</summary>
    private async Task<HttpResponseMessage> OneClickAsync(string path)
    {
        using var client = _site.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false, BaseAddress = new Uri("https://localhost") });
        return await client.PostAsync(path, new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
    }

    private static (int Recipients, int Sent, int Queued, int Failing, int Waiting, int Skipped) Figures(string html) =>
        (UpdateSteps.Figure(html, "recipients"), UpdateSteps.Figure(html, "sent"), UpdateSteps.Figure(html, "queued"),
            UpdateSteps.Figure(html, "failing"), UpdateSteps.Figure(html, "waiting"), UpdateSteps.Figure(html, "skipped"));
}

public sealed class UpdatesOnSqlite() : UpdatesTests(DatabaseProvider.Sqlite);

public sealed class UpdatesOnPostgres() : UpdatesTests(DatabaseProvider.Postgres);
