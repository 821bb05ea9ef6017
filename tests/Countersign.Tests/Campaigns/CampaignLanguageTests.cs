using System.Net;
using System.Text.Json;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// Amara writes her campaign in Arabic and says so on its form; Julie reads the site in French: the interface speaks
/// French, and every piece of the campaign's own text says it is Arabic, written right to left.
/// </summary>
public abstract class CampaignLanguageTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_choose_the_language_on_the_campaign_form_starting_from_the_staff_members_own_and_refuse_any_other()
    {
        var english = await Site.Staff.SignedInAsync("amara@example.org", StaffRoles.Admin);
        Assert.Contains("<option value=\"en\" lang=\"en\" dir=\"ltr\" selected=\"selected\">English</option>", await english.GetStringAsync("/staff/campaigns/new"), StringComparison.Ordinal);

        var french = await Site.Staff.SignedInAsync("julie@example.org", StaffRoles.Admin);
        french.DefaultRequestHeaders.AcceptLanguage.Add(new("fr"));
        var form = WebUtility.HtmlDecode(await french.GetStringAsync("/staff/campaigns/new"));
        Assert.Contains("<option value=\"fr\" lang=\"fr\" dir=\"ltr\" selected=\"selected\">Français</option>", form, StringComparison.Ordinal);
        Assert.Contains("<option value=\"ar\" lang=\"ar\" dir=\"rtl\">العربية</option>", form, StringComparison.Ordinal);

        var refused = await FormFiller.PostAsync(english, "/staff/campaigns/new", NewCampaign("xx\" onfocus=\"alert(1)"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var page = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("Choose the language of the campaign's text from the list.", page, StringComparison.Ordinal);
        Assert.Contains("value=\"Stop the cameras\"", page, StringComparison.Ordinal);
        Assert.Equal(0, await Site.QueryAsync(db => db.Campaigns.CountAsync()));

        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(english, "/staff/campaigns/new", NewCampaign("ar"))).StatusCode);
        var campaign = await Site.QueryAsync(db => db.Campaigns.Include(c => c.Hosts).SingleAsync());
        Assert.Equal("ar", campaign.Language);

        // Once published, the language is a label to mend: it changes at once, with its own audit entry.
        await Site.QueryAsync(async db =>
        {
            var stored = await db.Campaigns.SingleAsync();
            stored.WalkTo(CampaignState.Open, Site.Clock.GetUtcNow().UtcDateTime);
            return await db.SaveChangesAsync();
        });
        Assert.Equal(HttpStatusCode.Redirect, (await LifecycleSteps.SaveAsync(english, campaign, language: "fa")).StatusCode);
        Assert.Equal("fa", await Site.QueryAsync(db => db.Campaigns.Select(c => c.Language).SingleAsync()));
        Assert.Contains("Language: ar → fa", await Site.QueryAsync(db => db.AuditEntries.Select(e => e.Details).ToListAsync()));
    }

    [Fact]
    public async Task Should_mark_the_campaign_text_with_its_language_and_direction_under_the_french_interface()
    {
        var campaign = await Site.AddCampaignAsync();
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var update = new CampaignUpdate { CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = "The vote is postponed", BodyMarkdown = "Text.", CreatedAt = now, UpdatedAt = now };
        update.Publish(now);
        await Site.QueryAsync(async db =>
        {
            await db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c
                .SetProperty(x => x.Language, "ar").SetProperty(x => x.CommentMode, CommentMode.PostModerated));
            db.CampaignUpdates.Add(update);
            return await db.SaveChangesAsync();
        });
        var julie = Site.Browser();
        julie.DefaultRequestHeaders.AcceptLanguage.Add(new("fr"));
        const string arabic = "lang=\"ar\" dir=\"rtl\"";

        var page = await julie.GetStringAsync($"/c/{campaign.Slug}");
        Assert.Contains("<html lang=\"fr\"", page, StringComparison.Ordinal);
        Assert.Contains($"<h1 {arabic}>{campaign.Title}</h1>", page, StringComparison.Ordinal);
        Assert.Contains($"<div class=\"body\" {arabic}>", page, StringComparison.Ordinal);
        Assert.Contains("<h2 id=\"sign-heading\">", page, StringComparison.Ordinal);
        Assert.Contains($"<h1 {arabic}>{update.Title}</h1>", await julie.GetStringAsync($"/c/{campaign.Slug}/updates/{update.Id}"), StringComparison.Ordinal);
        Assert.Contains($"<span {arabic}>{campaign.Title}</span>", await julie.GetStringAsync($"/c/{campaign.Slug}/comments"), StringComparison.Ordinal);
        Assert.Contains($"<span {arabic}>{campaign.Title}</span>", await julie.GetStringAsync($"/c/{campaign.Slug}/thanks"), StringComparison.Ordinal);
        Assert.Contains($"<h3 {arabic}>", await julie.GetStringAsync("/"), StringComparison.Ordinal);

        using var json = JsonDocument.Parse(await julie.GetStringAsync($"/c/{campaign.Slug}.json"));
        Assert.Equal("ar", json.RootElement.GetProperty("language").GetString());
    }

    private static KeyValuePair<string, string>[] NewCampaign(string language) =>
    [
        new("Input.Language", language), new("Input.Title", "Stop the cameras"), new("Input.Slug", "stop-the-cameras"),
        new("Input.Summary", "No face recognition at the station."), new("Input.Body", ""), new("Input.Demands", "Cancel the contract"),
        new("Input.Targets", "City council"), new("Input.Hosts", "Station Watch"), new("Input.Goal", "1000"),
        new("Input.Deadline", ""), new("Input.Milestones", ""),
    ];
}

public sealed class CampaignLanguageOnSqlite() : CampaignLanguageTests(DatabaseProvider.Sqlite);

public sealed class CampaignLanguageOnPostgres() : CampaignLanguageTests(DatabaseProvider.Postgres);
