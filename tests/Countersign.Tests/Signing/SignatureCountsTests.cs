using Countersign.Data;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Countersign.Tests.Signing;

/// <summary>The one rule of which signatures count, as a query expression and as SQL, on a real database.</summary>
public abstract class SignatureCountsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_count_only_confirmed_signatures_neither_held_nor_set_aside()
    {
        var campaign = await Database.AddCampaignAsync();
        var invalidation = await TestSignatures.AddInvalidationAsync(Database, campaign);
        var counted = await TestSignatures.MakeAsync(Database, campaign, "counted@example.org");
        var setAside = await TestSignatures.MakeAsync(Database, campaign, "set-aside@example.org");
        setAside.InvalidationId = invalidation;
        await TestSignatures.AddAsync(Database,
            counted,
            setAside,
            await TestSignatures.MakeAsync(Database, campaign, "held@example.org", heldBecause: "network-rate"),
            await TestSignatures.MakeAsync(Database, campaign, "pending@example.org", SignatureState.Pending),
            await TestSignatures.MakeAsync(Database, campaign, "invalidated@example.org", SignatureState.Invalidated),
            await TestSignatures.MakeAsync(Database, campaign, "erased@example.org", SignatureState.Erased));

        var byExpression = await Database.WithDbAsync(db => db.Signatures.Where(Signature.Counts).Select(s => s.Id).ToListAsync());
        var countedSql = """SELECT "Id" AS "Value" FROM "Signatures" WHERE """ + SignatureSql.Counts;
        var bySql = await Database.WithDbAsync(db => db.Database.SqlQueryRaw<long>(countedSql).ToListAsync());

        Assert.Equal([counted.Id], byExpression);
        Assert.Equal(byExpression, bySql);
        Assert.Equal((1, 1, 1), await TestSignatures.CountersAsync(Database, campaign));
    }

    [Fact]
    public async Task Should_count_a_confirmation_once_and_only_when_the_signature_then_counts()
    {
        var campaign = await Database.AddCampaignAsync();
        var plain = await TestSignatures.MakeAsync(Database, campaign, "plain@example.org", SignatureState.Pending);
        var held = await TestSignatures.MakeAsync(Database, campaign, "held@example.org", SignatureState.Pending, heldBecause: "address-rate");
        await TestSignatures.AddAsync(Database, plain, held);
        var now = Database.Clock.GetUtcNow().UtcDateTime;

        var first = await ConfirmAsync([plain.Id, held.Id], now);
        var again = await ConfirmAsync([plain.Id, held.Id], now);

        Assert.Equal([(campaign.Id, plain.CountryCode)], first);
        Assert.Empty(again);
        var states = await Database.WithDbAsync(db => db.Signatures.Select(s => new { s.State, s.ConfirmedAt }).ToListAsync());
        Assert.All(states, s => Assert.Equal((SignatureState.Confirmed, true), (s.State, s.ConfirmedAt is not null)));
    }

    private Task<List<(int CampaignId, string CountryCode)>> ConfirmAsync(long[] ids, DateTime now) =>
        Database.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            var confirmed = await new SignatureRows(db.Database.GetDbConnection(), transaction.GetDbTransaction()).ConfirmAsync(ids, now);
            await transaction.CommitAsync();
            return confirmed;
        });
}

public sealed class SignatureCountsOnSqlite() : SignatureCountsTests(DatabaseProvider.Sqlite);

public sealed class SignatureCountsOnPostgres() : SignatureCountsTests(DatabaseProvider.Postgres);
