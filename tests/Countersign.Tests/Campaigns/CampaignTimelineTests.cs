using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>What organisers add to and remove from a campaign's timeline, on a real database without a web host.</summary>
public abstract class CampaignTimelineTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly ClaimsPrincipal Organiser = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "organiser@example.org")], "test"));

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_add_a_sourced_event_and_remove_it_with_an_audit_entry_for_each()
    {
        var campaign = await Database.AddCampaignAsync();
        var launchDay = DateOnly.FromDateTime(campaign.OpenedAt!.Value);
        var input = new TimelineEventInput { Kind = CampaignEventKind.News, Day = $" {launchDay:yyyy-MM-dd} ", Text = "  The council postponed the vote. ", Source = "https://example.org/news" };

        Assert.Empty(await Database.WithAsync((CampaignTimeline timeline) => timeline.AddAsync(campaign, input, Organiser, default)));

        var added = Assert.Single(await Database.WithDbAsync(db => db.CampaignEvents.ToListAsync()));
        Assert.Equal((CampaignEventKind.News, launchDay, "The council postponed the vote.", "https://example.org/news"), (added.Kind, added.Day, added.Text, added.SourceUrl));
        Assert.True(await Database.WithAsync((CampaignTimeline timeline) => timeline.RemoveAsync(campaign, added.Id, Organiser, default)));
        Assert.False(await Database.WithAsync((CampaignTimeline timeline) => timeline.RemoveAsync(campaign, added.Id, Organiser, default)));
        Assert.Empty(await Database.WithDbAsync(db => db.CampaignEvents.ToListAsync()));
        Assert.Equal([AuditAction.TimelineEventAdded, AuditAction.TimelineEventRemoved],
            await Database.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync()));
    }

    [Fact]
    public async Task Should_refuse_a_bad_event_field_by_field_and_keep_nothing()
    {
        var campaign = await Database.AddCampaignAsync();
        var input = new TimelineEventInput { Kind = CampaignEventKind.Milestone, Day = "31/03/2027", Text = " ", Source = "javascript:alert(1)" };

        var problems = await Database.WithAsync((CampaignTimeline timeline) => timeline.AddAsync(campaign, input, Organiser, default));

        Assert.Equal(["Day", "Kind", "Source", "Text"], problems.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(await Database.WithDbAsync(db => db.CampaignEvents.ToListAsync()));
        Assert.Empty(await Database.WithDbAsync(db => db.AuditEntries.ToListAsync()));
    }

    [Fact]
    public async Task Should_date_an_event_between_the_launch_and_today_and_none_before_the_campaign_is_launched()
    {
        var draft = await Database.AddCampaignAsync("a-draft", CampaignState.Draft);
        var open = await Database.AddCampaignAsync();
        var launchDay = DateOnly.FromDateTime(open.OpenedAt!.Value);
        var lastDay = CampaignHistory.LastDay(Database.Clock.GetUtcNow().UtcDateTime);
        TimelineEventInput NewsOn(DateOnly day) => new() { Kind = CampaignEventKind.News, Day = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text = "The council postponed the vote." };
        Task<Dictionary<string, string>> AddAsync(Campaign campaign, DateOnly day) =>
            Database.WithAsync((CampaignTimeline timeline) => timeline.AddAsync(campaign, NewsOn(day), Organiser, default));

        Assert.Equal("The timeline starts with the campaign's launch: add events once it is published.", (await AddAsync(draft, launchDay))["Day"]);
        Assert.Equal("An event cannot be dated before the campaign was launched: the timeline starts with the launch.", (await AddAsync(open, launchDay.AddDays(-1)))["Day"]);
        Assert.Equal("An event cannot be dated in the future: add it once it has happened.", (await AddAsync(open, lastDay.AddDays(1)))["Day"]);
        Assert.Empty(await Database.WithDbAsync(db => db.CampaignEvents.ToListAsync()));
        Assert.Empty(await AddAsync(open, lastDay));
        Assert.Equal(lastDay, (await Database.WithDbAsync(db => db.CampaignEvents.SingleAsync())).Day);
    }

    [Fact]
    public async Task Should_not_remove_a_milestone_nor_another_campaigns_event()
    {
        var campaign = await Database.AddCampaignAsync();
        var other = await Database.AddCampaignAsync("other");
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        var milestone = new CampaignEvent { CampaignId = campaign.Id, Kind = CampaignEventKind.Milestone, Day = DateOnly.FromDateTime(now), Text = "100", Milestone = 100, CreatedAt = now };
        var elsewhere = new CampaignEvent { CampaignId = other.Id, Kind = CampaignEventKind.News, Day = DateOnly.FromDateTime(now), Text = "Elsewhere", CreatedAt = now };
        await Database.WithDbAsync(db =>
        {
            db.CampaignEvents.AddRange(milestone, elsewhere);
            return db.SaveChangesAsync();
        });

        Assert.False(await Database.WithAsync((CampaignTimeline timeline) => timeline.RemoveAsync(campaign, milestone.Id, Organiser, default)));
        Assert.False(await Database.WithAsync((CampaignTimeline timeline) => timeline.RemoveAsync(campaign, elsewhere.Id, Organiser, default)));
        Assert.Equal(2, await Database.WithDbAsync(db => db.CampaignEvents.CountAsync()));
    }
}

public sealed class CampaignTimelineOnSqlite() : CampaignTimelineTests(DatabaseProvider.Sqlite);

public sealed class CampaignTimelineOnPostgres() : CampaignTimelineTests(DatabaseProvider.Postgres);
