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
        var input = new TimelineEventInput { Kind = CampaignEventKind.News, Day = " 2027-03-31 ", Text = "  The council postponed the vote. ", Source = "https://example.org/news" };

        Assert.Empty(await Database.WithAsync((CampaignTimeline timeline) => timeline.AddAsync(campaign, input, Organiser, default)));

        var added = Assert.Single(await Database.WithDbAsync(db => db.CampaignEvents.ToListAsync()));
        Assert.Equal((CampaignEventKind.News, new DateOnly(2027, 3, 31), "The council postponed the vote.", "https://example.org/news"), (added.Kind, added.Day, added.Text, added.SourceUrl));
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
