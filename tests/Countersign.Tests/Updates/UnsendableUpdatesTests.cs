using System.Globalization;
using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Campaigns;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Updates;

/// <summary>
/// An emailed update whose emails cannot be built (its text, stored before the form checked it, cannot
/// be rendered) is marked failed with its reason for its organisers, and the sender goes on to the
/// updates queued after it. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class UnsendableUpdatesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_mark_an_update_that_cannot_be_rendered_failed_and_send_the_updates_queued_after_it()
    {
        var campaign = await Site.AddCampaignAsync();
        var host = campaign.Hosts[0].Id;
        for (var i = 0; i < 3; i++)
        {
            await UpdateSteps.AddSignerAsync(Site, campaign, $"signer{i}@example.org", [host]);
        }

        var broken = await QueueUnrenderableUpdateAsync(campaign, "Our plan, step by step.\n\n" + PoisonedMarkdown.NestedList(130));
        var organiser = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);
        await UpdateSteps.SendAsync(Site, organiser, campaign, host, "The vote is postponed");

        var emails = await Site.Mailbox.EmailsAsync(3);
        Assert.Equal(["The vote is postponed"], emails.Select(m => m.Subject).Distinct());
        Assert.Equal(3, emails.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());

        var failed = await Site.QueryAsync(db => db.CampaignUpdates.AsNoTracking().SingleAsync(u => u.Id == broken));
        Assert.Equal(UpdateFailure.TextTooDeep, failed.SendingFailure);
        Assert.NotNull(failed.QueuedAllAt);
        Assert.All(await Site.QueryAsync(db => db.UpdateDeliveries.Where(d => d.UpdateId == broken).ToListAsync()), d => Assert.Equal(DeliveryState.Skipped, d.State));

        // Its organisers see that it stopped, and why, on the list and on the update's page.
        var stopped = "Sending stopped: its text is nested too deeply to be turned into an email";
        var list = WebUtility.HtmlDecode(await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}/updates"));
        Assert.Contains(stopped, list, StringComparison.Ordinal);
        Assert.Equal(1, list.Split("Sending is finished.").Length - 1);
        var page = WebUtility.HtmlDecode(await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}/updates/{broken}"));
        Assert.Contains(stopped, page, StringComparison.Ordinal);
        Assert.Equal(3, UpdateSteps.Figure(page, "skipped"));
        Assert.DoesNotContain("Sending is finished.", page, StringComparison.Ordinal);

        // It can be hidden like any published update.
        var hidden = await UpdateSteps.PostAsync(organiser, campaign.Id, broken.ToString(CultureInfo.InvariantCulture), "Hide", [new("Reason", "Its text cannot be shown")]);
        Assert.Equal(HttpStatusCode.Redirect, hidden.StatusCode);
        Assert.DoesNotContain("Our plan, step by step.", await Site.Browser().GetStringAsync($"/c/{campaign.Slug}"), StringComparison.Ordinal);

        // The log names the update, not its text or its recipients.
        Assert.Contains(Site.Logs.Lines, l => l.Contains($"Update {broken}: no email of it can be built", StringComparison.Ordinal));
        var leaks = Site.Logs.Lines.Where(l => l.Contains("Our plan", StringComparison.Ordinal) || l.Contains("signer0@", StringComparison.Ordinal)).ToList();
        Assert.True(leaks.Count == 0, string.Join('\n', leaks));
    }

    [Fact]
    public async Task Should_refuse_to_email_a_published_update_whose_text_cannot_be_rendered()
    {
        var campaign = await Site.AddCampaignAsync();
        var host = campaign.Hosts[0].Id;
        await UpdateSteps.AddSignerAsync(Site, campaign, "signer@example.org", [host]);
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var update = new CampaignUpdate
        {
            CampaignId = campaign.Id, HostId = host, HostName = campaign.Hosts[0].Name, Title = "Published long ago",
            BodyMarkdown = new string('>', CampaignUpdate.BodyMaxLength), CreatedAt = now, UpdatedAt = now,
        };
        update.Publish(now);
        await Site.QueryAsync(db =>
        {
            db.CampaignUpdates.Add(update);
            return db.SaveChangesAsync();
        });
        var organiser = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);

        var refused = await UpdateSteps.PostAsync(organiser, campaign.Id, update.Id.ToString(CultureInfo.InvariantCulture), "Send", []);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("This update's text cannot be turned into an email, so it cannot be sent.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Null(await Site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Id == update.Id).Select(u => u.SentAt).SingleAsync()));
        Assert.Equal(0, await Site.QueryAsync(db => db.UpdateDeliveries.CountAsync()));
    }

    /// <summary>
    /// An update emailed before the form checked its text, as it would stand in the database: published,
    /// claimed for sending a minute ago and addressed to its signers. Returns its id.
    /// </summary>
    private async Task<int> QueueUnrenderableUpdateAsync(Campaign campaign, string body)
    {
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var update = new CampaignUpdate
        {
            CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = "Step by step",
            BodyMarkdown = body, CreatedAt = now, UpdatedAt = now,
        };
        update.Publish(now);
        await Site.QueryAsync(async db =>
        {
            db.CampaignUpdates.Add(update);
            await db.SaveChangesAsync();
            var recipients = await UpdateDeliveries.AddRecipientsAsync(db, update, CancellationToken.None);

            // Claimed last, so the sender never sees it claimed without its recipients.
            return await db.CampaignUpdates.Where(u => u.Id == update.Id).ExecuteUpdateAsync(u => u
                .SetProperty(x => x.SentAt, now.AddMinutes(-1)).SetProperty(x => x.RecipientCount, recipients));
        });
        return update.Id;
    }
}

public sealed class UnsendableUpdatesOnSqlite() : UnsendableUpdatesTests(DatabaseProvider.Sqlite);

public sealed class UnsendableUpdatesOnPostgres() : UnsendableUpdatesTests(DatabaseProvider.Postgres);
