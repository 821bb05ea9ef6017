using System.Globalization;
using System.Net;
using System.Text.Json;
using Countersign.Data;
using Countersign.Email;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Countersign.Tests.Updates;

/// <summary>
/// Organisers take a published update off the public pages with a reason, and show it again; hiding
/// stops its emails not sent yet. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class HiddenUpdatesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider, settings =>
    {
        // The test sends the outbox itself, and the sender writes one email at a time.
        settings["Email:SendingPaused"] = "true";
        settings["Updates:BatchSize"] = "1";
    });

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_hide_an_update_being_emailed_with_a_reason_stop_its_emails_and_show_it_again()
    {
        var campaign = await Site.AddCampaignAsync();
        var host = campaign.Hosts[0].Id;
        for (var i = 0; i < 3; i++)
        {
            await UpdateSteps.AddSignerAsync(Site, campaign, $"signer{i}@example.org", [host]);
        }

        var organiser = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);
        var updateId = await UpdateSteps.SendAsync(Site, organiser, campaign, host, "Posted by mistake", "This was for **another** campaign.");
        await TestSite.WaitUntilAsync(async () => await Site.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.Kind == SignerEmails.UpdateKind)),
            "the first email of the update is in the outbox");
        var id = updateId.ToString(CultureInfo.InvariantCulture);
        var browser = Site.Browser();
        Assert.Contains("Posted by mistake", await browser.GetStringAsync($"/c/{campaign.Slug}"), StringComparison.Ordinal);

        // No reason: refused, nothing changes.
        var noReason = await UpdateSteps.PostAsync(organiser, campaign.Id, id, "Hide", [new("Reason", "  ")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains("Give a reason: it is kept in the audit log.", await TextAsync(noReason), StringComparison.Ordinal);
        Assert.Equal(UpdateState.Published, await StateAsync(updateId));

        var hidden = await UpdateSteps.PostAsync(organiser, campaign.Id, id, "Hide", [new("Reason", "Sent to the wrong campaign")]);
        Assert.Equal(HttpStatusCode.Redirect, hidden.StatusCode);
        Assert.Equal(UpdateState.Hidden, await StateAsync(updateId));

        // Gone from the public pages and the JSON at once.
        Assert.DoesNotContain("Posted by mistake", await browser.GetStringAsync($"/c/{campaign.Slug}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync($"/c/{campaign.Slug}/updates/{id}")).StatusCode);
        using (var json = JsonDocument.Parse(await browser.GetStringAsync($"/c/{campaign.Slug}.json")))
        {
            Assert.Empty(json.RootElement.GetProperty("updates").EnumerateArray());
        }

        // Its emails stop: the one in the outbox is withdrawn, the others are never written.
        var worker = Site.Services.GetServices<IHostedService>().OfType<OutboxWorker>().Single();
        var sender = Site.Services.GetRequiredService<UpdateSender>();
        for (var round = 0; round < 3; round++)
        {
            await sender.RunPassAsync();
            await worker.SendDueAsync(CancellationToken.None);
        }

        Assert.Equal(0, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.All(await Site.QueryAsync(db => db.UpdateDeliveries.Where(d => d.UpdateId == updateId).ToListAsync()), d => Assert.Equal(DeliveryState.Skipped, d.State));
        Assert.Empty(Directory.Exists(Path.Combine(Site.DataFolder, "outbox")) ? Directory.GetFiles(Path.Combine(Site.DataFolder, "outbox")) : []);

        // Its organisers still see it, marked hidden; it cannot be emailed or hidden again.
        var list = await TextAsync(await organiser.GetAsync($"/staff/campaigns/{campaign.Id}/updates"));
        Assert.Contains("Hidden (published", list, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"update-hidden\"", await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}/updates/{id}"), StringComparison.Ordinal);
        var again = await UpdateSteps.PostAsync(organiser, campaign.Id, id, "Hide", [new("Reason", "Twice")]);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Only a published update can be hidden.", await TextAsync(again), StringComparison.Ordinal);

        var restored = await UpdateSteps.PostAsync(organiser, campaign.Id, id, "Restore", [new("Reason", "It was the right campaign after all")]);
        Assert.Equal(HttpStatusCode.Redirect, restored.StatusCode);
        Assert.Equal(UpdateState.Published, await StateAsync(updateId));
        Assert.Contains("Posted by mistake", await browser.GetStringAsync($"/c/{campaign.Slug}"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/c/{campaign.Slug}/updates/{id}")).StatusCode);

        // Shown again, it does not send what it skipped.
        await sender.RunPassAsync();
        Assert.Equal(0, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));

        var audit = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.UpdateHidden || e.Action == AuditAction.UpdateRestored)
            .OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditAction.UpdateHidden, AuditAction.UpdateRestored], audit.Select(e => e.Action));
        Assert.Equal([$"Update {id}: Sent to the wrong campaign", $"Update {id}: It was the right campaign after all"], audit.Select(e => e.Details));
        Assert.All(audit, e => Assert.Equal(campaign.Id, e.CampaignId));
        Assert.All(audit, e => Assert.NotNull(e.StaffUserId));
    }

    [Fact]
    public async Task Should_refuse_to_hide_a_draft_or_to_email_a_hidden_update()
    {
        var campaign = await Site.AddCampaignAsync();
        var other = await Site.AddCampaignAsync("another-cause");
        var host = campaign.Hosts[0].Id;
        var organiser = await UpdateSteps.SignedInOrganiserAsync(Site, campaign, other);
        Assert.Equal(HttpStatusCode.Redirect, (await UpdateSteps.PostAsync(organiser, campaign.Id, "new", null, UpdateSteps.Form("A draft", host, "Not yet."))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await UpdateSteps.PostAsync(organiser, campaign.Id, "new", "Publish", UpdateSteps.Form("Published only", host, "Read it here."))).StatusCode);
        var ids = await Site.QueryAsync(db => db.CampaignUpdates.ToDictionaryAsync(u => u.Title, u => u.Id.ToString(CultureInfo.InvariantCulture)));

        var draft = await UpdateSteps.PostAsync(organiser, campaign.Id, ids["A draft"], "Hide", [new("Reason", "Not ready")]);
        Assert.Equal(HttpStatusCode.Conflict, draft.StatusCode);
        Assert.Contains("Only a published update can be hidden.", await TextAsync(draft), StringComparison.Ordinal);

        // An update is found only through its own campaign, whatever the organiser's other campaigns.
        var token = await FormFiller.AntiforgeryTokenAsync(organiser, $"/staff/campaigns/{other.Id}/updates");
        var elsewhere = await organiser.PostAsync(UpdateSteps.Path(other.Id, ids["Published only"], "Hide"),
            new FormUrlEncodedContent([new("Reason", "Wrong campaign"), new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.NotFound, elsewhere.StatusCode);
        Assert.Equal(UpdateState.Published, await Site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Title == "Published only").Select(u => u.State).SingleAsync()));

        var tooLong = await UpdateSteps.PostAsync(organiser, campaign.Id, ids["Published only"], "Hide", [new("Reason", new string('r', CampaignUpdate.ReasonMaxLength + 1))]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains($"The reason can be at most {CampaignUpdate.ReasonMaxLength} characters long.", await TextAsync(tooLong), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await UpdateSteps.PostAsync(organiser, campaign.Id, ids["Published only"], "Hide", [new("Reason", "Wrong date")])).StatusCode);
        var email = await UpdateSteps.PostAsync(organiser, campaign.Id, ids["Published only"], "Send", []);
        Assert.Equal(HttpStatusCode.Conflict, email.StatusCode);
        Assert.Contains("This update is hidden. Show it again before emailing it.", await TextAsync(email), StringComparison.Ordinal);
        Assert.Null(await Site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Title == "Published only").Select(u => u.SentAt).SingleAsync()));
    }

    private Task<string> StateAsync(int updateId) => Site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Id == updateId).Select(u => u.State).SingleAsync());

    private static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
}

public sealed class HiddenUpdatesOnSqlite() : HiddenUpdatesTests(DatabaseProvider.Sqlite);

public sealed class HiddenUpdatesOnPostgres() : HiddenUpdatesTests(DatabaseProvider.Postgres);
