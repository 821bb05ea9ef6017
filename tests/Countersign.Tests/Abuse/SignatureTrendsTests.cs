using Countersign.Abuse;
using Countersign.Data;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.Extensions.Options;

namespace Countersign.Tests.Abuse;

/// <summary>The moderators' trends report on its own, on a real database without a web host.</summary>
public abstract class SignatureTrendsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const int UnusualPerHour = 2;

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() =>
        Database = await TestDatabase.CreateAsync(provider, settings => settings[$"{RateLimitOptions.Section}:{nameof(RateLimitOptions.UnusualPerHour)}"] = $"{UnusualPerHour}");

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_report_the_last_hours_signatures_and_their_unusual_sources()
    {
        Assert.Equal(UnusualPerHour, Database.Get<IOptions<RateLimitOptions>>().Value.UnusualPerHour);
        var campaign = await Database.AddCampaignAsync();
        var invalidation = await TestSignatures.AddInvalidationAsync(Database, campaign);
        var old = await TestSignatures.MakeAsync(Database, campaign, "old@example.org", heldBecause: "address-rate");
        Database.Clock.Advance(TimeSpan.FromHours(SignatureTrends.HoursShown + 1));

        // A busy network, all at one email domain; from other networks and domains, one held signature, one set aside, one a bot check caught.
        var busy = new byte[16];
        var fromBusy = new List<Signature>();
        for (var i = 0; i <= UnusualPerHour; i++)
        {
            fromBusy.Add(await TestSignatures.MakeAsync(Database, campaign, $"signer{i}@busy.example", networkHash: busy));
        }

        var held = await TestSignatures.MakeAsync(Database, campaign, "someone@held.example", heldBecause: "address-rate");
        var setAside = await TestSignatures.MakeAsync(Database, campaign, "someone@aside.example");
        setAside.InvalidationId = invalidation;
        var caught = await TestSignatures.MakeAsync(Database, campaign, "someone@bot.example", SignatureState.Invalidated);
        Signature[] recent = [.. fromBusy, held, setAside, caught];
        await TestSignatures.AddAsync(Database, [old, .. recent]);

        var report = await Database.WithDbAsync(db => new SignatureTrends(db, Database.Get<SigningRates>(), Database.Get<Countersign.Privacy.CampaignKeys>(),
            Database.Get<IOptions<RateLimitOptions>>(), Database.Clock).ReportAsync(campaign.Id));

        Assert.Equal(2, report.Held);
        Assert.Equal(2, report.SetAside);
        var hour = Assert.Single(report.Hours);
        Assert.Equal((recent.Length, 1, 2), (hour.Signatures, hour.Held, hour.SetAside));
        Assert.Equal(new DateTime(Database.Clock.GetUtcNow().UtcDateTime.Ticks / TimeSpan.TicksPerHour * TimeSpan.TicksPerHour, DateTimeKind.Utc), hour.Hour);
        Assert.Equal(
            [(true, Convert.ToHexStringLower(busy), fromBusy.Count, 0), (false, "busy.example", fromBusy.Count, 0), (true, Convert.ToHexStringLower(held.NetworkHash!), 1, 1), (false, "held.example", 1, 1)],
            report.Sources.Select(s => (s.IsNetwork, s.Key, s.Signatures, s.Held)).OrderByDescending(s => s.Signatures).ThenByDescending(s => s.IsNetwork));
        Assert.All(report.Sources, s => Assert.Equal(s.Signatures > UnusualPerHour, s.IsUnusual(UnusualPerHour)));
        Assert.Equal(invalidation, Assert.Single(report.Invalidations).Id);
    }
}

public sealed class SignatureTrendsOnSqlite() : SignatureTrendsTests(DatabaseProvider.Sqlite);

public sealed class SignatureTrendsOnPostgres() : SignatureTrendsTests(DatabaseProvider.Postgres);
