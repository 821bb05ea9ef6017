using System.Globalization;
using System.Net;
using Countersign.Data;
using Countersign.Email;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Updates;

/// <summary>
/// Amara presses "Publish and email": a page tells her how many signers it would go to, she sends a test to herself,
/// and only her "Yes" sends it, once. A draft changed after she read that page is not sent on her old "Yes".
/// </summary>
public abstract class SendingConfirmationTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_say_how_many_signers_an_update_goes_to_send_a_test_first_and_send_it_once_confirmed()
    {
        var campaign = await Site.AddCampaignAsync(hosts: ["Station Watch", "Digital Rights Group"]);
        var (watch, rights) = (campaign.Hosts[0].Id, campaign.Hosts[1].Id);

        // Who gets an update from Station Watch: confirmed signers who agreed to hear from it, held ones included.
        string[] willGetIt = ["both@example.org", "watch-only@example.org", "held@example.org"];
        await UpdateSteps.AddSignerAsync(Site, campaign, willGetIt[0], [watch, rights]);
        await UpdateSteps.AddSignerAsync(Site, campaign, willGetIt[1], [watch]);
        await UpdateSteps.AddSignerAsync(Site, campaign, willGetIt[2], [watch], heldBecause: "per-network");
        await UpdateSteps.AddSignerAsync(Site, campaign, "pending@example.org", [watch], state: SignatureState.Pending);
        await UpdateSteps.AddSignerAsync(Site, campaign, "rights-only@example.org", [rights]);
        await UpdateSteps.AddSignerAsync(Site, campaign, "set-aside@example.org", [watch], setAside: true);
        var amara = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);

        var pressed = await UpdateSteps.PostAsync(amara, campaign.Id, "new", "Send", UpdateSteps.Form("The vote is postponed", watch, "The council **postponed** its vote."));
        var updateId = await Site.QueryAsync(db => db.CampaignUpdates.Select(u => u.Id).SingleAsync());
        var confirmPath = UpdateSteps.Path(campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), "Confirm");
        Assert.Equal(HttpStatusCode.Redirect, pressed.StatusCode);
        Assert.Equal(confirmPath, pressed.Headers.Location?.OriginalString);
        await AssertNothingSentAsync(updateId, UpdateState.Draft);

        var page = WebUtility.HtmlDecode(await amara.GetStringAsync(confirmPath));
        Assert.Equal(willGetIt.Length, UpdateSteps.Figure(page, "recipients"));
        Assert.Contains("agreed to hear from Station Watch", page, StringComparison.Ordinal);
        Assert.Contains("It is also published on the campaign page", page, StringComparison.Ordinal);
        Assert.Contains("this cannot be undone", page, StringComparison.Ordinal);
        Assert.Contains("<strong>postponed</strong>", page, StringComparison.Ordinal);

        // The test goes to Amara alone, marked as one, and changes nothing about the update.
        var test = await FormFiller.PostAsync(amara, UpdateSteps.Path(campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), "Test"), []);
        Assert.Equal(HttpStatusCode.Redirect, test.StatusCode);
        Assert.Equal(confirmPath, test.Headers.Location?.OriginalString);
        Assert.Contains("A test is on its way to organiser@example.org", WebUtility.HtmlDecode(await amara.GetStringAsync(confirmPath)), StringComparison.Ordinal);
        var testEmail = Assert.Single(await Site.Mailbox.EmailsAsync(1));
        Assert.Equal("organiser@example.org", testEmail.To.Mailboxes.Single().Address);
        Assert.Equal("Test: The vote is postponed", testEmail.Subject);
        Assert.StartsWith("This is a test, sent to you alone", testEmail.TextBody, StringComparison.Ordinal);
        Assert.Contains("The council **postponed** its vote.", testEmail.TextBody, StringComparison.Ordinal);
        Assert.Null(testEmail.Headers["List-Unsubscribe"]);
        Assert.Equal(SignerEmails.UpdateTestKind, await Site.QueryAsync(db => db.OutboxMessages.Select(m => m.Kind).SingleAsync()));
        await AssertNothingSentAsync(updateId, UpdateState.Draft);

        var yes = await UpdateSteps.ConfirmSendAsync(amara, campaign.Id, updateId);
        Assert.Equal(HttpStatusCode.Redirect, yes.StatusCode);
        Assert.Equal(willGetIt.Length, await Site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Id == updateId).Select(u => u.RecipientCount).SingleAsync()));
        Assert.Equal(willGetIt.Length, await Site.QueryAsync(db => db.UpdateDeliveries.CountAsync(d => d.UpdateId == updateId)));
        var emails = await Site.Mailbox.EmailsAsync(1 + willGetIt.Length);
        Assert.Equal(willGetIt.Order(), emails.Where(m => m.Subject == "The vote is postponed").Select(m => m.To.Mailboxes.Single().Address).Order());

        // Its confirmation sent again, or the page opened again, answers that it went already.
        var replayed = await UpdateSteps.PostAsync(amara, campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), "Send", [new("confirmed", "0")]);
        Assert.Equal(HttpStatusCode.Conflict, replayed.StatusCode);
        Assert.Contains("This update has already been emailed", WebUtility.HtmlDecode(await replayed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var reopened = await amara.GetAsync(confirmPath);
        Assert.Equal(HttpStatusCode.Conflict, reopened.StatusCode);
        Assert.Equal(1, await Site.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.UpdateSent)));
    }

    [Fact]
    public async Task Should_not_send_a_draft_changed_after_its_confirmation_page_was_read()
    {
        var campaign = await Site.AddCampaignAsync();
        var host = campaign.Hosts[0].Id;
        await UpdateSteps.AddSignerAsync(Site, campaign, "reader@example.org", [host]);
        var amara = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);
        await UpdateSteps.PostAsync(amara, campaign.Id, "new", "Send", UpdateSteps.Form("First wording", host, "As Amara read it."));
        var updateId = await Site.QueryAsync(db => db.CampaignUpdates.Select(u => u.Id).SingleAsync());
        var readConfirmation = await UpdateSteps.ConfirmationFormAsync(amara, campaign.Id, updateId);

        // A co-organiser rewrites the draft meanwhile.
        Site.Clock.Advance(TimeSpan.FromMinutes(1));
        var rewritten = await UpdateSteps.PostAsync(amara, campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), null, UpdateSteps.Form("Second wording", host, "Not what Amara read."));
        Assert.Equal(HttpStatusCode.Redirect, rewritten.StatusCode);

        var stale = await amara.PostAsync(UpdateSteps.Path(campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), "Send"), new FormUrlEncodedContent(readConfirmation));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var page = WebUtility.HtmlDecode(await stale.Content.ReadAsStringAsync());
        Assert.Contains("This update was changed after you opened the page to confirm its sending, so nothing was sent.", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Second wording\"", page, StringComparison.Ordinal);
        await AssertNothingSentAsync(updateId, UpdateState.Draft);

        // Read again, it goes.
        Assert.Equal(HttpStatusCode.Redirect, (await UpdateSteps.ConfirmSendAsync(amara, campaign.Id, updateId)).StatusCode);
        Assert.Equal("Second wording", Assert.Single(await Site.Mailbox.EmailsAsync(1)).Subject);
    }

    [Fact]
    public async Task Should_ask_in_french_and_say_when_nobody_would_get_the_update()
    {
        var campaign = await Site.AddCampaignAsync();
        var amara = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);
        amara.DefaultRequestHeaders.AcceptLanguage.Add(new("fr"));
        await UpdateSteps.PostAsync(amara, campaign.Id, "new", "Send", UpdateSteps.Form("Personne encore", campaign.Hosts[0].Id, "Texte."));
        var updateId = await Site.QueryAsync(db => db.CampaignUpdates.Select(u => u.Id).SingleAsync());

        var page = WebUtility.HtmlDecode(await amara.GetStringAsync(UpdateSteps.Path(campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), "Confirm")));

        Assert.Equal(0, UpdateSteps.Figure(page, "recipients"));
        Assert.Contains("Destinataires\u00a0:", page, StringComparison.Ordinal);
        Assert.Contains($"Personne ne la recevrait maintenant\u00a0: aucun signataire n’a encore accepté d’avoir des nouvelles de {campaign.Hosts[0].Name}.", page, StringComparison.Ordinal);
        Assert.Contains("M’envoyer un test", page, StringComparison.Ordinal);
    }

    private async Task AssertNothingSentAsync(int updateId, string state)
    {
        var update = await Site.QueryAsync(db => db.CampaignUpdates.AsNoTracking().SingleAsync(u => u.Id == updateId));
        Assert.Equal((state, (DateTime?)null, 0), (update.State, update.SentAt, update.RecipientCount));
        Assert.Equal(0, await Site.QueryAsync(db => db.UpdateDeliveries.CountAsync()));
        Assert.Equal(0, await Site.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.UpdateSent)));
    }
}

public sealed class SendingConfirmationOnSqlite() : SendingConfirmationTests(DatabaseProvider.Sqlite);

public sealed class SendingConfirmationOnPostgres() : SendingConfirmationTests(DatabaseProvider.Postgres);
