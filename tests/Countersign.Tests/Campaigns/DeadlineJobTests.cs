using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>The deadline pass on its own, on a real database without a web host: which campaigns it closes, and what it records.</summary>
public abstract class DeadlineJobTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_close_open_campaigns_past_their_deadline_and_leave_the_rest()
    {
        var due = await Database.AddCampaignAsync("due");
        var undated = await Database.AddCampaignAsync("undated");
        var draft = await Database.AddCampaignAsync("draft", CampaignState.Draft);
        await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == undated.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.Deadline, (DateOnly?)null)));
        Database.Clock.Advance(due.Deadline!.Value.AddDays(1).ToDateTime(TimeOnly.MinValue) - Database.Clock.GetUtcNow().UtcDateTime);

        Assert.Equal(1, await Database.Get<DeadlineJob>().CloseDueAsync());

        var states = await Database.WithDbAsync(db => db.Campaigns.ToDictionaryAsync(c => c.Id, c => c.State));
        Assert.Equal(CampaignState.Closed, states[due.Id]);
        Assert.Equal(CampaignState.Open, states[undated.Id]);
        Assert.Equal(CampaignState.Draft, states[draft.Id]);
        var entry = Assert.Single(await Database.WithDbAsync(db => db.AuditEntries.ToListAsync()));
        Assert.Equal((AuditAction.CampaignClosed, due.Id, (int?)null), (entry.Action, entry.CampaignId, entry.StaffUserId));

        // A second pass finds nothing left to close.
        Assert.Equal(0, await Database.Get<DeadlineJob>().CloseDueAsync());
    }
}

public sealed class DeadlineJobOnSqlite() : DeadlineJobTests(DatabaseProvider.Sqlite);

public sealed class DeadlineJobOnPostgres() : DeadlineJobTests(DatabaseProvider.Postgres);
