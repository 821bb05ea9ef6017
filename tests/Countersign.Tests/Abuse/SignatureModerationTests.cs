using System.Security.Claims;
using Countersign.Abuse;
using Countersign.Data;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Abuse;

/// <summary>Moderators' bulk acts on signatures, on a real database without a web host: the rows they change and the counters that follow.</summary>
public abstract class SignatureModerationTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly ClaimsPrincipal Moderator = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "moderator@example.org")], "test"));

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_set_aside_a_network_taking_off_what_counted_and_undo_it_once()
    {
        var campaign = await Database.AddCampaignAsync();
        var network = new byte[16];
        Signature[] fromNetwork =
        [
            await TestSignatures.MakeAsync(Database, campaign, "a@example.org", networkHash: network),
            await TestSignatures.MakeAsync(Database, campaign, "b@example.net", networkHash: network),
            await TestSignatures.MakeAsync(Database, campaign, "held@example.org", heldBecause: "network-rate", networkHash: network),
            await TestSignatures.MakeAsync(Database, campaign, "pending@example.org", SignatureState.Pending, networkHash: network),
        ];
        var elsewhere = await TestSignatures.MakeAsync(Database, campaign, "elsewhere@example.org");
        await TestSignatures.AddAsync(Database, [.. fromNetwork, elsewhere]);
        var counts = Signature.Counts.Compile();
        var before = await TestSignatures.CountersAsync(Database, campaign);
        var countedThere = fromNetwork.Count(counts);

        var invalidation = await Database.WithAsync((SignatureModeration moderation) =>
            moderation.InvalidateAsync(campaign, new SignatureGroup(campaign.Id, network), "network 0000", Moderator));

        Assert.Equal((fromNetwork.Length, countedThere), (invalidation.SignatureCount, invalidation.CountedCount));
        var during = await TestSignatures.CountersAsync(Database, campaign);
        Assert.Equal(before.Total - countedThere, during.Total);
        Assert.Equal((during.Total, during.Total), (during.ByCountry, during.ByDay));
        Assert.Equal(fromNetwork.Select(s => s.Id).Order(),
            await Database.WithDbAsync(db => db.Signatures.Where(s => s.InvalidationId == invalidation.Id).Select(s => s.Id).OrderBy(id => id).ToListAsync()));

        Assert.True(await Database.WithAsync((SignatureModeration moderation) => moderation.UndoAsync(campaign, invalidation, Moderator)));
        Assert.False(await Database.WithAsync((SignatureModeration moderation) => moderation.UndoAsync(campaign, invalidation, Moderator)));

        Assert.Equal(before, await TestSignatures.CountersAsync(Database, campaign));
        Assert.Equal([AuditAction.SignaturesSetAside, AuditAction.SetAsideUndone],
            await Database.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync()));
    }

    [Fact]
    public async Task Should_release_held_signatures_counting_only_the_confirmed_ones_not_set_aside()
    {
        var campaign = await Database.AddCampaignAsync();
        var invalidation = await TestSignatures.AddInvalidationAsync(Database, campaign);
        var heldSetAside = await TestSignatures.MakeAsync(Database, campaign, "set-aside@example.org", heldBecause: "address-rate");
        heldSetAside.InvalidationId = invalidation;
        Signature[] held =
        [
            await TestSignatures.MakeAsync(Database, campaign, "a@example.org", heldBecause: "address-rate"),
            await TestSignatures.MakeAsync(Database, campaign, "b@example.org", heldBecause: "domain-rate"),
            await TestSignatures.MakeAsync(Database, campaign, "pending@example.org", SignatureState.Pending, heldBecause: "address-rate"),
            heldSetAside,
        ];
        var counted = await TestSignatures.MakeAsync(Database, campaign, "counted@example.org");
        await TestSignatures.AddAsync(Database, [.. held, counted]);
        var before = await TestSignatures.CountersAsync(Database, campaign);
        foreach (var signature in held)
        {
            signature.HeldBecause = null;
        }

        var released = await Database.WithAsync((SignatureModeration moderation) => moderation.ReleaseAsync(campaign, new SignatureGroup(campaign.Id), "all signatures", Moderator));

        Assert.Equal(held.Length, released);
        var after = await TestSignatures.CountersAsync(Database, campaign);
        Assert.Equal(before.Total + held.Count(Signature.Counts.Compile()), after.Total);
        Assert.Equal((after.Total, after.Total), (after.ByCountry, after.ByDay));
        Assert.Equal(0, await Database.WithDbAsync(db => db.Signatures.CountAsync(s => s.HeldBecause != null)));
        Assert.Equal(after.Total, await Database.WithDbAsync(db => db.Signatures.CountAsync(Signature.Counts)));
    }

    [Fact]
    public async Task Should_refuse_a_group_of_another_campaign_and_change_nothing()
    {
        var campaign = await Database.AddCampaignAsync();
        var other = await Database.AddCampaignAsync("other");
        await TestSignatures.AddAsync(Database, [await TestSignatures.MakeAsync(Database, other, "a@example.org")]);

        await Assert.ThrowsAsync<ArgumentException>(() => Database.WithAsync((SignatureModeration moderation) =>
            moderation.InvalidateAsync(campaign, new SignatureGroup(other.Id), "all signatures", Moderator)));
        await Assert.ThrowsAsync<ArgumentException>(() => Database.WithAsync((SignatureModeration moderation) =>
            moderation.ReleaseAsync(campaign, new SignatureGroup(other.Id), "all signatures", Moderator)));

        Assert.Equal(0, await Database.WithDbAsync(db => db.Invalidations.CountAsync()));
        Assert.Equal(1, await Database.WithDbAsync(db => db.Signatures.CountAsync(Signature.Counts)));
        Assert.Empty(await Database.WithDbAsync(db => db.AuditEntries.ToListAsync()));
    }
}

public sealed class SignatureModerationOnSqlite() : SignatureModerationTests(DatabaseProvider.Sqlite);

public sealed class SignatureModerationOnPostgres() : SignatureModerationTests(DatabaseProvider.Postgres);
