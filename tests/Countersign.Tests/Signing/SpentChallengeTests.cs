using System.Net;
using Countersign.Data;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Signing;

/// <summary>
/// A proof-of-work solution counts once across servers and restarts: the second server has none
/// of the first one's memory, and only the database's record of spent challenges can stop it.
/// Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class SpentChallengeTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_set_aside_a_solution_replayed_to_another_server_of_the_same_database()
    {
        var campaign = await Site.AddCampaignAsync();
        var solution = await ProofOfWorkSolver.FetchAndSolveAsync(Site.Browser(), $"/c/{campaign.Slug}/altcha");
        await using var other = Site.StartAnotherServer();

        var first = await ProofOfWorkTests.SignAsync(Site.Browser(), campaign, "first@example.org", solution);
        var replay = await ProofOfWorkTests.SignAsync(other.Browser(), campaign, "replay@example.org", solution);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        var stored = await Site.QueryAsync(db => db.Signatures.OrderBy(s => s.Id).ToListAsync());
        Assert.Equal([SignatureState.Pending, SignatureState.Invalidated], stored.Select(s => s.State));
        Assert.Equal(BotChecks.ReplayedReason, stored[1].InvalidatedBecause);
        Assert.Null(stored[1].ConfirmationTokenHash);
        Assert.Equal(1, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Equal(1, await Site.QueryAsync(db => db.SpentChallenges.CountAsync()));
    }

    [Fact]
    public async Task Should_forget_spent_challenges_once_they_have_expired()
    {
        var campaign = await Site.AddCampaignAsync();
        await ProofOfWorkTests.SignAsync(Site.Browser(), campaign, "early@example.org", await ProofOfWorkSolver.FetchAndSolveAsync(Site.Browser(), $"/c/{campaign.Slug}/altcha"));
        Assert.Equal(1, await Site.QueryAsync(db => db.SpentChallenges.CountAsync()));

        // The next signature's batch, a quarter of an hour later, clears what expired.
        Site.Clock.Advance(TimeSpan.FromMinutes(15));
        await ProofOfWorkTests.SignAsync(Site.Browser(), campaign, "later@example.org", await ProofOfWorkSolver.FetchAndSolveAsync(Site.Browser(), $"/c/{campaign.Slug}/altcha"));

        var left = await Site.QueryAsync(db => db.SpentChallenges.ToListAsync());
        Assert.True(Assert.Single(left).ExpiresAt > Site.Clock.GetUtcNow().UtcDateTime);
    }
}

public sealed class SpentChallengesOnSqlite() : SpentChallengeTests(DatabaseProvider.Sqlite);

public sealed class SpentChallengesOnPostgres() : SpentChallengeTests(DatabaseProvider.Postgres);
