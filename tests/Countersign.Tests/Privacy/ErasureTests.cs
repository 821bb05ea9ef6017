using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Privacy;

/// <summary>
/// A signer erases their signature from the link in any email, and signatures never confirmed are
/// erased after 7 days. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class ErasureTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_erase_a_confirmed_signature_from_the_link_in_its_email_and_take_it_off_the_count()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: "Nadia Erasable", email: "nadia@example.org", postcode: "EC1A 1BB"));
        var confirmation = Assert.Single(await Site.Mailbox.EmailsAsync(1));
        await FormFiller.PostAsync(browser, Mailbox.ConfirmationPath(confirmation), []);
        Assert.Equal(1, await CountAsync(campaign));
        var before = await Site.QueryAsync(db => db.Signatures.SingleAsync());

        // She agreed to be shown: once the page's latest signers are read again (at most seconds later), she is among them.
        Site.Services.GetRequiredService<CampaignCache>().Forget(campaign.Slug);
        // Her country is not named: she alone signed from it, and the two together would point at her.
        var listed = WebUtility.HtmlDecode(await Site.Browser().GetStringAsync($"/c/{campaign.Slug}"));
        Assert.Contains("<bdi>Nadia E.</bdi>", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("<bdi>Nadia E.</bdi>, France", listed, StringComparison.Ordinal);

        // Signing again brings the "already signed" email, with the same erase link.
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "nadia@example.org"));
        var emails = await Site.Mailbox.EmailsAsync(2);
        var link = Mailbox.ErasePath(emails[0]);
        Assert.Equal(link, Mailbox.ErasePath(emails[1]));

        // Opening the link (as a mail scanner would) changes nothing.
        var opened = await browser.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("Erase my signature", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(campaign));

        var erased = await FormFiller.PostAsync(browser, link, []);
        Assert.Equal(HttpStatusCode.OK, erased.StatusCode);
        Assert.Contains("Your signature is erased", await erased.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(campaign));
        await AssertCountersAreZeroAsync(campaign);
        Assert.DoesNotContain("Nadia", await Site.Browser().GetStringAsync($"/c/{campaign.Slug}"), StringComparison.Ordinal);

        var row = await Site.QueryAsync(db => db.Signatures.SingleAsync());
        Assert.Equal(SignatureState.Erased, row.State);
        Assert.Empty(row.NameCiphertext);
        Assert.Empty(row.EmailCiphertext);
        Assert.Null(row.PostcodeCiphertext);
        Assert.False(row.ShowNamePublicly);
        Assert.Null(row.AddressHash);
        Assert.Null(row.EmailDomainKey);
        Assert.Null(row.ConfirmationTokenHash);
        Assert.NotEqual(before.EmailKey, row.EmailKey);
        Assert.Equal(before.CountryCode, row.CountryCode);

        // Her emails went from the outbox folder with the rest.
        Assert.Empty(await Site.Mailbox.EmailsAsync(0));

        // The link now leads nowhere, and the person may sign again.
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(link)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostWithTokenAsync(browser, link, campaign)).StatusCode);
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "nadia@example.org"));
        Assert.Equal(2, await Site.QueryAsync(db => db.Signatures.CountAsync()));
        Assert.StartsWith("Confirm your signature", Assert.Single(await Site.Mailbox.EmailsAsync(1)).Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_erase_a_pending_signature_so_its_confirmation_link_no_longer_works()
    {
        var campaign = await Site.AddCampaignAsync();
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign));
        var email = Assert.Single(await Site.Mailbox.EmailsAsync(1));

        await FormFiller.PostAsync(Site.Browser(), Mailbox.ErasePath(email), []);

        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync(Mailbox.ConfirmationPath(email))).StatusCode);
        Assert.Equal(SignatureState.Erased, await Site.QueryAsync(db => db.Signatures.Select(s => s.State).SingleAsync()));
        Assert.Equal(0, await CountAsync(campaign));
    }

    [Theory]
    [InlineData("not-a-link")]
    [InlineData("AAAAAQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Should_answer_a_made_up_erase_link_with_404_and_erase_nothing(string token)
    {
        var campaign = await Site.AddCampaignAsync();
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign));
        var genuine = Mailbox.ErasePath(Assert.Single(await Site.Mailbox.EmailsAsync(1)));

        // A genuine link with one character changed is made up too.
        var tampered = genuine[..^1] + (genuine[^1] == 'A' ? 'B' : 'A');
        foreach (var path in new[] { $"/erase/{token}", tampered })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await PostWithTokenAsync(Site.Browser(), path, campaign)).StatusCode);
        }

        Assert.Equal(SignatureState.Pending, await Site.QueryAsync(db => db.Signatures.Select(s => s.State).SingleAsync()));
    }

    [Fact]
    public async Task Should_erase_signatures_never_confirmed_after_7_days_and_record_it_for_staff()
    {
        var campaign = await Site.AddCampaignAsync();
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "never.confirms@example.org"));
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "confirms@example.org"));
        var emails = await Site.Mailbox.EmailsAsync(2);
        var confirming = emails.Single(e => e.To.Mailboxes.Single().Address == "confirms@example.org");
        await FormFiller.PostAsync(Site.Browser(), Mailbox.ConfirmationPath(confirming), []);
        var job = Site.Services.GetRequiredService<RetentionJob>();

        // The job's own timer runs on the test clock too, so either pass may be the one that erases.
        Site.Clock.Advance(TimeSpan.FromDays(6.9));
        Assert.Null(await job.RunOnceAsync());
        Assert.Equal(2, await Site.QueryAsync(db => db.Signatures.CountAsync(s => s.State != SignatureState.Erased)));

        Site.Clock.Advance(TimeSpan.FromDays(0.2));
        await job.RunOnceAsync();
        await TestSite.WaitUntilAsync(async () => await Site.QueryAsync(db => db.RetentionRuns.AnyAsync()), "the erasing pass is recorded");

        var runs = await Site.QueryAsync(db => db.RetentionRuns.ToListAsync());
        Assert.Equal(1, Assert.Single(runs).PendingErased);
        var states = await Site.QueryAsync(db => db.Signatures.OrderBy(s => s.Id).Select(s => new { s.State, s.EmailCiphertext.Length }).ToListAsync());
        Assert.Equal(SignatureState.Erased, states[0].State);
        Assert.Equal(0, states[0].Length);
        Assert.Equal(SignatureState.Confirmed, states[1].State);
        Assert.Equal(1, await CountAsync(campaign));
    }

    /// <summary>Posts to a page that answers 404 (so has no form of its own), with a token from the campaign page.</summary>
    private static async Task<HttpResponseMessage> PostWithTokenAsync(HttpClient browser, string path, Campaign campaign) =>
        await browser.PostAsync(path, new FormUrlEncodedContent([new("__RequestVerificationToken", await FormFiller.AntiforgeryTokenAsync(browser, $"/c/{campaign.Slug}"))]));

    private async Task<int> CountAsync(Campaign campaign) =>
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync());

    private async Task AssertCountersAreZeroAsync(Campaign campaign)
    {
        Assert.Equal(0, await Site.QueryAsync(db => db.CountryCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count)));
        Assert.Equal(0, await Site.QueryAsync(db => db.DayCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count)));
    }
}

public sealed class ErasureOnSqlite() : ErasureTests(DatabaseProvider.Sqlite);

public sealed class ErasureOnPostgres() : ErasureTests(DatabaseProvider.Postgres);
