using System.Security.Claims;
using System.Security.Cryptography;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// What the campaign page shows of its movement: the latest signers who agreed to be shown, as first name and initial,
/// only from signatures that count, kept briefly and forgotten when a name must go; on a real database without a web host.
/// </summary>
public abstract class CampaignPulseTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly ClaimsPrincipal Moderator = new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "moderator@example.org")], "test"));

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(provider);

        // Whole seconds, so that times read back from either database equal the clock's.
        var now = Database.Clock.GetUtcNow();
        Database.Clock.SetUtcNow(now.AddTicks(TimeSpan.TicksPerSecond - (now.Ticks % TimeSpan.TicksPerSecond)));
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_show_the_latest_signers_who_agreed_newest_first_from_signatures_that_count_only()
    {
        var campaign = await Database.AddCampaignAsync();
        var other = await Database.AddCampaignAsync("other");
        var invalidation = await TestSignatures.AddInvalidationAsync(Database, campaign);
        await TestSignatures.AddAsync(Database,
            await SignerAsync(campaign, "Amira  Khalil", TimeSpan.FromHours(2), country: "FR"),
            await SignerAsync(campaign, "Noor", TimeSpan.FromMinutes(30), country: "PS"),
            await SignerAsync(campaign, "Élodie de la Fontaine", TimeSpan.FromDays(3), country: "BE"),
            await SignerAsync(campaign, "Ben Cohen", TimeSpan.FromMinutes(10), shown: false),
            await SignerAsync(campaign, "Held Back", TimeSpan.FromMinutes(5), heldBecause: SigningRates.AddressReason),
            await SignerAsync(campaign, "Not Confirmed", TimeSpan.FromMinutes(4), state: SignatureState.Pending),
            await SignerAsync(campaign, "Set Aside", TimeSpan.FromMinutes(3), invalidationId: invalidation),
            await SignerAsync(campaign, "www.buy-followers.example", TimeSpan.FromMinutes(2)),
            await SignerAsync(other, "Elsewhere Signer", TimeSpan.FromMinutes(1)));

        // A country is named beside a signer once as many signed from it as the figures page names: Belgium's three
        // signers are too few.
        foreach (var (country, count) in new[] { ("FR", CampaignFigures.FewestSignersShownByCountry), ("PS", 40), ("BE", CampaignFigures.FewestSignersShownByCountry - 1) })
        {
            await Database.WithDbAsync(db => db.CountryCounts.Where(c => c.CampaignId == campaign.Id && c.CountryCode == country)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.Count, count)));
        }

        var shown = await ReadAsync(campaign);

        var now = Database.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal([("Noor", "PS"), ("Amira K.", "FR"), ("Élodie F.", (string?)null)], shown.LatestSigners.Select(s => (s.Name, s.CountryCode)));
        Assert.Equal([now.AddMinutes(-30), now.AddHours(-2), now.AddDays(-3)], shown.LatestSigners.Select(s => s.SignedAt));

        // Every signature of the last day that counts, its name shown or not; the one of three days ago is older.
        Assert.Equal(4, shown.InLastDay);
    }

    [Fact]
    public async Task Should_show_at_most_ten_and_decrypt_them_once_for_every_reader_until_a_set_aside_forgets_them()
    {
        var campaign = await Database.AddCampaignAsync();
        var flood = RandomNumberGenerator.GetBytes(16);
        var signers = new List<Signature>();
        for (var i = 0; i < CampaignPulse.SignersShown + 2; i++)
        {
            // Signer A. first, Signer L. last; the two latest from one network.
            signers.Add(await SignerAsync(campaign, $"Signer {(char)('A' + i)}lpha", TimeSpan.FromMinutes(100 - i), networkHash: i >= CampaignPulse.SignersShown ? flood : null));
        }

        await TestSignatures.AddAsync(Database, [.. signers]);
        var first = await ReadAsync(campaign);
        Assert.Equal(Initials("LKJIHGFEDC"), first.LatestSigners.Select(s => s.Name));

        // A new signer waits for the next reading; every reader meanwhile gets the same one, decrypted once.
        await TestSignatures.AddAsync(Database, await SignerAsync(campaign, "Newest Signer", TimeSpan.Zero));
        Assert.Same(first.LatestSigners, (await ReadAsync(campaign)).LatestSigners);

        // A moderator sets the two latest aside: the page forgets them at once.
        await Database.WithAsync((SignatureModeration moderation) => moderation.InvalidateAsync(campaign, new SignatureGroup(campaign.Id, NetworkHash: flood), "network 3fa9", Moderator));
        Assert.Equal(["Newest S.", .. Initials("JIHGFEDCB")], (await ReadAsync(campaign)).LatestSigners.Select(s => s.Name));
    }

    [Fact]
    public async Task Should_show_nothing_of_a_campaign_not_public_yet()
    {
        var sponsoring = await Database.AddCampaignAsync("gathering-supporters", CampaignState.Sponsoring);
        await TestSignatures.AddAsync(Database, await SignerAsync(sponsoring, "Early Supporter", TimeSpan.FromMinutes(5)));

        var shown = await ReadAsync(sponsoring);

        Assert.Empty(shown.LatestSigners);
        Assert.False(shown.ShowsAnything);
    }

    [Theory]
    [InlineData("Amira Khalil", "Amira K.")]
    [InlineData("  amira   khalil  ", "amira K.")]
    [InlineData("Noor", "Noor")]
    [InlineData("Jean-Pierre O'Brien", "Jean-Pierre O.")]
    [InlineData("J.R.R. Tolkien", "J.R.R. T.")]
    [InlineData("Zoë Ångström", "Zoë Å.")]
    [InlineData("محمد علي", "محمد ع.")]
    [InlineData("Amira 123", "Amira")]
    [InlineData("evil.example", null)]
    [InlineData("https://evil.example Smith", null)]
    [InlineData("R2D2 Droid", null)]
    [InlineData("@handle Name", null)]
    [InlineData("", null)]
    public void Should_shorten_a_name_to_first_name_and_initial_and_refuse_what_does_not_read_as_a_name(string name, string? shown) =>
        Assert.Equal(shown, CampaignPulse.ShortName(name));

    [Fact]
    public void Should_refuse_a_first_name_too_long_to_be_one() =>
        Assert.Null(CampaignPulse.ShortName(new string('a', 41) + " Smith"));

    [Fact]
    public void Should_say_how_long_ago_in_the_readers_language()
    {
        var t = Database.Get<IStringLocalizer<SharedResource>>();
        TimeSpan[] ages = [TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61), TimeSpan.FromHours(2), TimeSpan.FromHours(30), TimeSpan.FromDays(9)];
        string[] Said(string locale)
        {
            using var language = new CultureScope(locale);
            return ages.Select(age => CampaignPulse.HowLongAgo(age, t)).ToArray();
        }

        Assert.Equal(["just now", "1 minute ago", "59 minutes ago", "1 hour ago", "2 hours ago", "1 day ago", "9 days ago"], Said("en"));
        Assert.Equal(["à l’instant", "il y a 1 minute", "il y a 59 minutes", "il y a 1 heure", "il y a 2 heures", "il y a 1 jour", "il y a 9 jours"], Said("fr"));
    }

    [Fact]
    public async Task Should_count_what_the_goal_still_needs_and_the_days_left_while_the_campaign_takes_signatures()
    {
        var open = await Database.AddCampaignAsync(goal: 1000);
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        SocialProof With(int count, DateOnly? deadline, Campaign? campaign = null)
        {
            var shown = campaign ?? open;
            shown.Deadline = deadline;
            return new SocialProof(shown.WithSignatureCount(count), [], 0, now);
        }

        Assert.Equal((999, 30), (With(1, today.AddDays(30)).StillNeeded, With(1, today.AddDays(30)).DaysLeft));
        Assert.Equal((0, 0), (With(1000, today).StillNeeded, With(1000, today).DaysLeft));
        Assert.Null(With(5, today.AddDays(-1)).DaysLeft);
        Assert.Null(With(5, deadline: null).DaysLeft);
        var closed = await Database.AddCampaignAsync("closed", CampaignState.Closed);
        Assert.False(With(5, today.AddDays(3), closed).ShowsAnything);
        Assert.True(With(5, today.AddDays(3)).ShowsAnything);
    }

    private static IEnumerable<string> Initials(string letters) => letters.Select(letter => $"Signer {letter}.");

    private Task<SocialProof> ReadAsync(Campaign campaign) =>
        Database.WithAsync((CampaignPulse pulse) => pulse.ReadAsync(campaign, default));

    /// <summary>A signature made <paramref name="ago"/>, with its name encrypted under the campaign's key as the signing form stores it.</summary>
    private async Task<Signature> SignerAsync(Campaign campaign, string name, TimeSpan ago, bool shown = true, string state = SignatureState.Confirmed,
        string? heldBecause = null, long? invalidationId = null, string country = "FR", byte[]? networkHash = null)
    {
        var signature = await TestSignatures.MakeAsync(Database, campaign, $"{Guid.NewGuid():N}@example.org", state, heldBecause, country, networkHash);
        var cipher = await Database.Get<CampaignKeys>().ForCampaignAsync(campaign.Id);
        signature.NameCiphertext = cipher.Encrypt(name);
        signature.ShowNamePublicly = shown;
        signature.InvalidationId = invalidationId;
        signature.CreatedAt = signature.CreatedAt - ago;
        return signature;
    }
}

public sealed class CampaignPulseOnSqlite() : CampaignPulseTests(DatabaseProvider.Sqlite);

public sealed class CampaignPulseOnPostgres() : CampaignPulseTests(DatabaseProvider.Postgres);
