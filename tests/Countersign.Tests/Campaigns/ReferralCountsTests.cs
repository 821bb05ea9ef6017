using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// The organisers' figures per share channel count what the campaign's count counts (confirmed, not held, not set
/// aside), list every channel, and add up to the count. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class ReferralCountsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase _database = null!;

    public async Task InitializeAsync() => _database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task Should_count_per_channel_only_the_signatures_that_count()
    {
        var campaign = await _database.AddCampaignAsync();
        var other = await _database.AddCampaignAsync("another-campaign");
        var invalidation = await TestSignatures.AddInvalidationAsync(_database, campaign);
        async Task<Signature> SignatureAsync(Campaign on, string email, string? via, string state = SignatureState.Confirmed, string? heldBecause = null, long? invalidationId = null)
        {
            var signature = await TestSignatures.MakeAsync(_database, on, email, state, heldBecause);
            signature.Referral = via;
            signature.InvalidationId = invalidationId;
            return signature;
        }

        await TestSignatures.AddAsync(_database,
            await SignatureAsync(campaign, "a@example.org", Referral.WhatsApp),
            await SignatureAsync(campaign, "b@example.org", Referral.WhatsApp),
            await SignatureAsync(campaign, "c@example.org", Referral.Mastodon),
            await SignatureAsync(campaign, "d@example.org", null),
            await SignatureAsync(campaign, "e@example.org", Referral.Email, SignatureState.Pending),
            await SignatureAsync(campaign, "f@example.org", Referral.Email, heldBecause: "network"),
            await SignatureAsync(campaign, "g@example.org", Referral.Email, invalidationId: invalidation),
            await SignatureAsync(campaign, "h@example.org", Referral.Telegram, SignatureState.Invalidated),
            await SignatureAsync(other, "a@example.org", Referral.Email));

        var counts = await _database.WithAsync<ReferralCounts, IReadOnlyList<ReferralCount>>(referrals => referrals.ForCampaignAsync(campaign.Id));

        Assert.Equal(Referral.Codes.Count + 1, counts.Count);
        Assert.Equal(new ReferralCount(Referral.WhatsApp, 2), counts[0]);
        Assert.Equal(1, counts.Single(c => c.Code == Referral.Mastodon).Signatures);
        Assert.Equal(1, counts.Single(c => c.Code is null).Signatures);
        Assert.Equal(0, counts.Single(c => c.Code == Referral.Email).Signatures);
        Assert.Equal(0, counts.Single(c => c.Code == Referral.Telegram).Signatures);
        var (total, _, _) = await TestSignatures.CountersAsync(_database, campaign);
        Assert.Equal(total, counts.Sum(c => c.Signatures));

        // Channels with as many signatures keep the list's order.
        var unused = counts.Where(c => c.Signatures == 0).Select(c => c.Code).ToList();
        Assert.Equal(Referral.Codes.Where(unused.Contains), unused);
    }
}

public sealed class ReferralCountsOnSqlite() : ReferralCountsTests(DatabaseProvider.Sqlite);

public sealed class ReferralCountsOnPostgres() : ReferralCountsTests(DatabaseProvider.Postgres);

/// <summary>Only our own channel codes, exactly as our links write them, are taken from an address. No database.</summary>
public sealed class ReferralCodeTests
{
    [Fact]
    public void Should_take_every_code_our_links_write()
    {
        Assert.All(Referral.Codes, code => Assert.Equal(code, Referral.Parse(code)));
        Assert.All(Referral.Codes, code => Assert.InRange(code.Length, 1, Referral.MaxLength));
        Assert.Equal($"https://example.org/c/x?via={Referral.Embed}", Referral.Mark("https://example.org/c/x", Referral.Embed));
        Assert.Throws<ArgumentOutOfRangeException>(() => Referral.Mark("https://example.org/c/x", "signal"));
    }

    [Theory]
    [MemberData(nameof(ReferralTests.Odd), MemberType = typeof(ReferralTests))]
    [InlineData(null)]
    public void Should_refuse_anything_else(string? via) => Assert.Null(Referral.Parse(via));
}
