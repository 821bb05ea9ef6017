using System.Globalization;
using System.Net;
using System.Text.Json;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Updates;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// Markdown that cannot be rendered: the forms refuse it with a reason, and a campaign that already
/// holds some (stored before the forms checked) keeps its page, JSON and signing form working.
/// Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class UnrenderableMarkdownTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly string Poison = PoisonedMarkdown.NestedList(130);

    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_keep_serving_a_campaign_whose_stored_body_and_published_update_cannot_be_rendered()
    {
        var campaign = await Site.AddCampaignAsync();
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var body = "Meet us at <b>Rue Haxo</b>.\n\n" + Poison;
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.BodyMarkdown, body)));
        var update = new CampaignUpdate
        {
            CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = "A deeply nested update",
            BodyMarkdown = "Our plan, step by step.\n\n" + Poison, CreatedAt = now, UpdatedAt = now,
        };
        update.Publish(now);
        await Site.QueryAsync(db =>
        {
            db.CampaignUpdates.Add(update);
            return db.SaveChangesAsync();
        });
        var browser = Site.Browser();

        var page = await browser.GetAsync($"/c/{campaign.Slug}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<p>Meet us at &lt;b&gt;Rue Haxo&lt;/b&gt;.</p>", html, StringComparison.Ordinal);
        Assert.Contains("<p>Our plan, step by step.</p>", html, StringComparison.Ordinal);
        Assert.Contains("A deeply nested update", html, StringComparison.Ordinal);

        var json = await browser.GetAsync($"/c/{campaign.Slug}.json");
        Assert.Equal(HttpStatusCode.OK, json.StatusCode);
        using (var document = JsonDocument.Parse(await json.Content.ReadAsStringAsync()))
        {
            Assert.Equal("A deeply nested update", Assert.Single(document.RootElement.GetProperty("updates").EnumerateArray()).GetProperty("title").GetString());
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/c/{campaign.Slug}/altcha")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/c/{campaign.Slug}/updates/{update.Id}")).StatusCode);

        // The organisers' own view of the update shows it the same way.
        var organiser = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);
        var staffView = await organiser.GetAsync($"/staff/campaigns/{campaign.Id}/updates/{update.Id}");
        Assert.Equal(HttpStatusCode.OK, staffView.StatusCode);
        Assert.Contains("<p>Our plan, step by step.</p>", await staffView.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The log says which texts, never what they say.
        Assert.Contains(Site.Logs.Lines, l => l.Contains($"campaign {campaign.Id} cannot be rendered", StringComparison.Ordinal));
        Assert.Contains(Site.Logs.Lines, l => l.Contains($"update {update.Id} cannot be rendered", StringComparison.Ordinal));
        Assert.DoesNotContain(Site.Logs.Lines, l => l.Contains("Haxo", StringComparison.Ordinal) || l.Contains("step by step", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_refuse_a_campaign_text_that_cannot_be_rendered_and_keep_what_was_typed()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var admin = await Site.Staff.SignedInAsync("admin@example.org", StaffRoles.Admin);

        var refused = await LifecycleSteps.SaveAsync(admin, campaign, body: "Why we campaign.\n\n" + Poison);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("This text cannot be shown: its formatting is nested too deeply", html, StringComparison.Ordinal);
        Assert.Contains("Why we campaign.\n\n- item 0\n  - item 1\n", html, StringComparison.Ordinal);
        Assert.Equal(campaign.BodyMarkdown, await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.BodyMarkdown).SingleAsync()));

        // The same text one level at a time is fine.
        Assert.Equal(HttpStatusCode.Redirect, (await LifecycleSteps.SaveAsync(admin, campaign, body: "Why we campaign.\n\n" + PoisonedMarkdown.NestedList(5))).StatusCode);
    }

    [Fact]
    public async Task Should_refuse_an_update_text_that_cannot_be_rendered_on_save_preview_and_publish_and_keep_what_was_typed()
    {
        var campaign = await Site.AddCampaignAsync();
        var organiser = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);
        var form = UpdateSteps.Form("Step by step", campaign.Hosts[0].Id, "Our plan.\n\n" + Poison);

        foreach (var handler in new string?[] { null, "Preview", "Publish", "Send" })
        {
            var refused = await UpdateSteps.PostAsync(organiser, campaign.Id, "new", handler, form);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
            Assert.Contains("This text cannot be shown: its formatting is nested too deeply", html, StringComparison.Ordinal);
            Assert.Contains("Our plan.\n\n- item 0\n  - item 1\n", html, StringComparison.Ordinal);
            Assert.Contains("value=\"Step by step\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(0, await Site.QueryAsync(db => db.CampaignUpdates.CountAsync()));

        // A draft saved before the check cannot be published as it stands either.
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var draft = new CampaignUpdate
        {
            CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = "Old draft",
            BodyMarkdown = Poison, CreatedAt = now, UpdatedAt = now,
        };
        await Site.QueryAsync(db =>
        {
            db.CampaignUpdates.Add(draft);
            return db.SaveChangesAsync();
        });
        var path = $"/staff/campaigns/{campaign.Id}/updates/{draft.Id.ToString(CultureInfo.InvariantCulture)}";
        Assert.Equal(HttpStatusCode.OK, (await organiser.GetAsync(path)).StatusCode);
        var publish = await UpdateSteps.PostAsync(organiser, campaign.Id, draft.Id.ToString(CultureInfo.InvariantCulture), "Publish",
            UpdateSteps.Form("Old draft", campaign.Hosts[0].Id, Poison));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, publish.StatusCode);
        Assert.True(await Site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Id == draft.Id).Select(u => u.State == UpdateState.Draft).SingleAsync()));
    }
}

public sealed class UnrenderableMarkdownOnSqlite() : UnrenderableMarkdownTests(DatabaseProvider.Sqlite);

public sealed class UnrenderableMarkdownOnPostgres() : UnrenderableMarkdownTests(DatabaseProvider.Postgres);
