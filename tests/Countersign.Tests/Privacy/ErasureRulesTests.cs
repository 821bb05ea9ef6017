using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Privacy;

/// <summary>Erasure on its own, on a real database without a web host: what it wipes, and what it leaves counted.</summary>
public abstract class ErasureRulesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_erase_a_counted_signature_and_take_it_off_the_counters()
    {
        var campaign = await Database.AddCampaignAsync();
        var erased = await TestSignatures.MakeAsync(Database, campaign, "leila@example.org");
        var kept = await TestSignatures.MakeAsync(Database, campaign, "kept@example.org");
        await TestSignatures.AddAsync(Database, erased, kept);

        Assert.True(await EraseAsync(erased));
        Assert.False(await EraseAsync(erased));

        var row = await Database.WithDbAsync(db => db.Signatures.AsNoTracking().SingleAsync(s => s.Id == erased.Id));
        Assert.Equal(SignatureState.Erased, row.State);
        Assert.Empty(row.NameCiphertext);
        Assert.Empty(row.EmailCiphertext);
        Assert.NotEqual(erased.EmailKey, row.EmailKey);
        Assert.All(new object?[] { row.PostcodeCiphertext, row.AddressHash, row.NetworkHash, row.EmailDomainKey, row.ConfirmationTokenHash }, Assert.Null);
        Assert.Equal((erased.CountryCode, erased.ConfirmedAt is not null), (row.CountryCode, row.ConfirmedAt is not null));
        Assert.Equal((1, 1, 1), await TestSignatures.CountersAsync(Database, campaign));
    }

    [Fact]
    public async Task Should_erase_a_signature_that_did_not_count_without_touching_the_counters()
    {
        var campaign = await Database.AddCampaignAsync();
        var invalidation = await TestSignatures.AddInvalidationAsync(Database, campaign);
        var held = await TestSignatures.MakeAsync(Database, campaign, "held@example.org", heldBecause: "network-rate");
        var setAside = await TestSignatures.MakeAsync(Database, campaign, "set-aside@example.org");
        setAside.InvalidationId = invalidation;
        var pending = await TestSignatures.MakeAsync(Database, campaign, "pending@example.org", SignatureState.Pending);
        var counted = await TestSignatures.MakeAsync(Database, campaign, "counted@example.org");
        await TestSignatures.AddAsync(Database, held, setAside, pending, counted);

        foreach (var signature in new[] { held, setAside, pending })
        {
            Assert.True(await EraseAsync(signature));
        }

        Assert.Equal((1, 1, 1), await TestSignatures.CountersAsync(Database, campaign));
        Assert.Equal([counted.Id], await Database.WithDbAsync(db => db.Signatures.Where(s => s.State != SignatureState.Erased).Select(s => s.Id).ToListAsync()));
    }

    [Fact]
    public async Task Should_erase_only_the_pending_signatures_made_before_the_cut_off()
    {
        var campaign = await Database.AddCampaignAsync();
        var old = await TestSignatures.MakeAsync(Database, campaign, "old@example.org", SignatureState.Pending);
        var oldConfirmed = await TestSignatures.MakeAsync(Database, campaign, "old-confirmed@example.org");
        var cutOff = Database.Clock.GetUtcNow().UtcDateTime.AddSeconds(1);
        Database.Clock.Advance(TimeSpan.FromMinutes(1));
        var recent = await TestSignatures.MakeAsync(Database, campaign, "recent@example.org", SignatureState.Pending);
        await TestSignatures.AddAsync(Database, old, oldConfirmed, recent);

        Assert.Equal(1, await Database.WithDbAsync(db => Erasure.ErasePendingAsync(db, cutOff)));

        var states = await Database.WithDbAsync(db => db.Signatures.ToDictionaryAsync(s => s.Id, s => s.State));
        Assert.Equal(SignatureState.Erased, states[old.Id]);
        Assert.Equal(SignatureState.Confirmed, states[oldConfirmed.Id]);
        Assert.Equal(SignatureState.Pending, states[recent.Id]);
        Assert.Equal((1, 1, 1), await TestSignatures.CountersAsync(Database, campaign));
    }

    [Fact]
    public async Task Should_shred_a_campaign_once_leaving_its_signatures_counted()
    {
        var campaign = await Database.AddCampaignAsync();
        var other = await Database.AddCampaignAsync("other");
        var signatures = new[]
        {
            await TestSignatures.MakeAsync(Database, campaign, "first@example.org"),
            await TestSignatures.MakeAsync(Database, campaign, "second@example.org", heldBecause: "address-rate"),
        };
        var untouched = await TestSignatures.MakeAsync(Database, other, "first@example.org");
        await TestSignatures.AddAsync(Database, [.. signatures, untouched]);
        var counters = await TestSignatures.CountersAsync(Database, campaign);
        var now = Database.Clock.GetUtcNow().UtcDateTime;

        Assert.True(await Database.WithDbAsync(db => Erasure.ShredCampaignAsync(db, Database.Get<CampaignKeys>(), campaign.Id, now)));
        Assert.False(await Database.WithDbAsync(db => Erasure.ShredCampaignAsync(db, Database.Get<CampaignKeys>(), campaign.Id, now)));

        var rows = await Database.WithDbAsync(db => db.Signatures.AsNoTracking().Where(s => s.CampaignId == campaign.Id).OrderBy(s => s.Id).ToListAsync());
        Assert.Equal(signatures.Select(s => (s.State, s.HeldBecause)), rows.Select(s => (s.State, s.HeldBecause)));
        Assert.All(rows, row => Assert.Equal((0, (byte[]?)null, (byte[]?)null), (row.EmailCiphertext.Length, row.NetworkHash, row.PostcodeCiphertext)));
        Assert.Equal(counters, await TestSignatures.CountersAsync(Database, campaign));
        Assert.Equal(untouched.EmailKey, await Database.WithDbAsync(db => db.Signatures.Where(s => s.Id == untouched.Id).Select(s => s.EmailKey).SingleAsync()));
    }

    private Task<bool> EraseAsync(Signature signature) =>
        Database.WithDbAsync(db => Erasure.EraseAsync(db, Database.Get<OutboxFolder>(), signature.CampaignId, signature.EmailKey));
}

public sealed class ErasureRulesOnSqlite() : ErasureRulesTests(DatabaseProvider.Sqlite);

public sealed class ErasureRulesOnPostgres() : ErasureRulesTests(DatabaseProvider.Postgres);
