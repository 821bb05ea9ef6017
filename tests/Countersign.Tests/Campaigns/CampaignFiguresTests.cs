using System.Security.Claims;
using System.Security.Cryptography;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// A campaign's signatures in figures: every day from its opening, and the countries with enough signers to name them
/// without singling anybody out, from signatures that count only; on a real database without a web host.
/// </summary>
public abstract class CampaignFiguresTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly ClaimsPrincipal Moderator = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "moderator@example.org")], "test"));

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_count_every_day_from_the_opening_to_today_with_only_the_signatures_that_count()
    {
        var campaign = await Database.AddCampaignAsync();
        var opened = Today();
        await SignAsync(campaign, 3);
        Database.Clock.Advance(TimeSpan.FromDays(2));
        var invalidation = await TestSignatures.AddInvalidationAsync(Database, campaign);
        var setAside = await TestSignatures.MakeAsync(Database, campaign, "set-aside@example.org");
        setAside.InvalidationId = invalidation;
        await TestSignatures.AddAsync(Database,
            await TestSignatures.MakeAsync(Database, campaign, "held@example.org", heldBecause: SigningRates.AddressReason),
            await TestSignatures.MakeAsync(Database, campaign, "pending@example.org", SignatureState.Pending),
            await TestSignatures.MakeAsync(Database, campaign, "replayed@example.org", SignatureState.Invalidated),
            setAside);
        await SignAsync(campaign, 2);
        await SignAsync(await Database.AddCampaignAsync("elsewhere"), 4);
        Database.Clock.Advance(TimeSpan.FromDays(1));

        var figures = await ReadAsync(campaign);

        Assert.Equal(
            [(opened, 3, 3), (opened.AddDays(1), 0, 3), (opened.AddDays(2), 2, 5), (opened.AddDays(3), 0, 5)],
            figures.Days.Select(d => (d.Day, d.Count, d.Cumulative)));
        Assert.Equal(5, figures.Total);
        Assert.Equal((await TestSignatures.CountersAsync(Database, campaign)).Total, figures.Total);
    }

    [Fact]
    public async Task Should_end_the_days_at_the_closing_and_start_them_with_the_supporters_before_the_opening()
    {
        var campaign = await Database.AddCampaignAsync("gathering-supporters", CampaignState.Sponsoring);
        var first = Today();
        await SignAsync(campaign, 2);
        Database.Clock.Advance(TimeSpan.FromDays(1));
        await MoveAsync(campaign, c =>
        {
            c.EndSponsoring(Now(), sponsorsNeeded: 0);
            c.Approve(Now());
        });
        await SignAsync(campaign, 1);
        Database.Clock.Advance(TimeSpan.FromDays(1));
        await MoveAsync(campaign, c => c.Close(Now()));
        Database.Clock.Advance(TimeSpan.FromDays(5));

        var figures = await ReadAsync(campaign);

        Assert.Equal([(first, 2), (first.AddDays(1), 1), (first.AddDays(2), 0)], figures.Days.Select(d => (d.Day, d.Count)));
    }

    [Fact]
    public async Task Should_name_only_the_countries_with_enough_signers_and_count_the_others_together_as_moderators_set_some_aside()
    {
        var fewest = CampaignFigures.FewestSignersShownByCountry;
        var campaign = await Database.AddCampaignAsync();
        var flood = RandomNumberGenerator.GetBytes(16);
        await SignAsync(campaign, fewest, "FR");
        await SignAsync(campaign, fewest - 1, "BE");
        await SignAsync(campaign, 1, "PS");
        await SignAsync(campaign, fewest - 1, "DE");
        await SignAsync(campaign, 3, "DE", flood);

        var figures = await ReadAsync(campaign);
        Assert.Equal([("DE", fewest + 2), ("FR", fewest)], figures.Countries.Select(c => (c.Code, c.Count)));
        Assert.Equal(fewest - 1 + 1, figures.OtherCountries);
        Assert.Equal((double)fewest / figures.Total, figures.ShareOf(fewest));

        // Setting aside the three of one network takes Germany below the threshold, at once: its signers join the others.
        await Database.WithAsync((SignatureModeration moderation) =>
            moderation.InvalidateAsync(campaign, new SignatureGroup(campaign.Id, NetworkHash: flood), "network 3fa9", Moderator));
        var after = await ReadAsync(campaign);
        Assert.Equal([("FR", fewest)], after.Countries.Select(c => (c.Code, c.Count)));
        Assert.Equal((await TestSignatures.CountersAsync(Database, campaign)).Total - fewest, after.OtherCountries);
    }

    [Fact]
    public async Task Should_show_nothing_of_a_campaign_not_public_yet()
    {
        var sponsoring = await Database.AddCampaignAsync("gathering-supporters", CampaignState.Sponsoring);
        await SignAsync(sponsoring, CampaignFigures.FewestSignersShownByCountry);

        var figures = await ReadAsync(sponsoring);

        Assert.Empty(figures.Days);
        Assert.Empty(figures.Countries);
        Assert.Equal(0, figures.Total);
    }

    private DateTime Now() => Database.Clock.GetUtcNow().UtcDateTime;

    private DateOnly Today() => DateOnly.FromDateTime(Now());

    private async Task SignAsync(Campaign campaign, int count, string country = "FR", byte[]? networkHash = null)
    {
        var signatures = new Signature[count];
        for (var i = 0; i < count; i++)
        {
            signatures[i] = await TestSignatures.MakeAsync(Database, campaign, $"{Guid.NewGuid():N}@example.org", countryCode: country, networkHash: networkHash);
        }

        await TestSignatures.AddAsync(Database, signatures);
    }

    private Task MoveAsync(Campaign campaign, Action<Campaign> move) =>
        Database.WithDbAsync(async db =>
        {
            var stored = await db.Campaigns.FindAsync(campaign.Id);
            move(stored!);
            await db.SaveChangesAsync();
            move(campaign);
        });

    private async Task<Figures> ReadAsync(Campaign campaign)
    {
        var current = await Database.WithDbAsync(db => db.Campaigns.FindAsync(campaign.Id).AsTask());
        return await Database.WithAsync((CampaignFigures figures) => figures.ReadAsync(current!, default));
    }
}

public sealed class CampaignFiguresOnSqlite() : CampaignFiguresTests(DatabaseProvider.Sqlite);

public sealed class CampaignFiguresOnPostgres() : CampaignFiguresTests(DatabaseProvider.Postgres);
