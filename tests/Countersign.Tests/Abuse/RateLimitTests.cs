using System.Net;
using System.Text.RegularExpressions;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Abuse;

/// <summary>
/// Too many signatures from one address, network or email domain are taken but held; a moderator
/// sees them in the trends report, releases them or sets groups aside, and the count follows.
/// Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract partial class RateLimitTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_hold_signatures_over_the_address_limit_until_a_moderator_releases_them()
    {
        var campaign = await Site.AddCampaignAsync();
        var household = IPAddress.Parse("198.51.100.7");
        for (var i = 0; i < 3; i++)
        {
            var response = await FormFiller.PostAsync(Site.Browser(household), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: $"person{i}@gmail.com"));

            // The second and third get exactly the first one's answer.
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/c/{campaign.Slug}/check-email", response.Headers.Location?.OriginalString);
        }

        await ConfirmAllAsync(3);
        Assert.Equal(1, await CountAsync(campaign));
        var stored = await Site.QueryAsync(db => db.Signatures.OrderBy(s => s.Id).ToListAsync());
        Assert.All(stored, s => Assert.Equal(SignatureState.Confirmed, s.State));
        Assert.Equal([null, SigningRates.AddressReason, SigningRates.AddressReason], stored.Select(s => s.HeldBecause));
        Assert.All(stored, s => Assert.Equal(NetworkAddresses.HashSize, s.AddressHash?.Length));
        Assert.Single(stored.Select(s => Convert.ToHexString(s.NetworkHash!)).Distinct());

        var moderator = await SignedInAsync();
        var report = await moderator.GetStringAsync($"/staff/campaigns/{campaign.Id}/trends");
        Assert.Contains("Counted: 1. Held for review: 2. Set aside: 0.", report, StringComparison.Ordinal);
        var network = Convert.ToHexStringLower(stored[0].NetworkHash!);
        Assert.Contains(network, report, StringComparison.Ordinal);

        var released = await FormFiller.PostAsync(moderator, $"/staff/campaigns/{campaign.Id}/trends?handler=Release", [new("Group.Network", network)]);
        Assert.Equal(HttpStatusCode.Redirect, released.StatusCode);
        Assert.Equal(3, await CountAsync(campaign));
        await AssertCountersMatchRowsAsync(campaign);
        Assert.Contains("2 held signatures released", await moderator.GetStringAsync($"/staff/campaigns/{campaign.Id}/trends"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_tell_a_held_signer_their_signature_is_confirmed_and_counts_once_checked_never_that_it_counts_nor_why()
    {
        var campaign = await Site.AddCampaignAsync();
        var household = IPAddress.Parse("198.51.100.7");
        await FormFiller.PostAsync(Site.Browser(household), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "first@gmail.com"));
        await FormFiller.PostAsync(Site.Browser(household), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "second@gmail.com"));
        var emails = await Site.Mailbox.EmailsAsync(2);
        string ConfirmationTo(string address) => Mailbox.ConfirmationPath(emails.Single(m => m.To.Mailboxes.Single().Address == address));
        var (counted, held) = (ConfirmationTo("first@gmail.com"), ConfirmationTo("second@gmail.com"));
        var waits = $"Your signature on “{campaign.Title}” is confirmed. It will appear in the count once checked.";

        var countedThanks = await ThanksAfterConfirmingAsync(counted);
        var heldThanks = await ThanksAfterConfirmingAsync(held);

        Assert.Equal(1, await CountAsync(campaign));
        Assert.Contains($"Your signature on “{campaign.Title}” now counts.", countedThanks, StringComparison.Ordinal);
        Assert.Contains(waits, heldThanks, StringComparison.Ordinal);
        Assert.DoesNotContain("now counts", heldThanks, StringComparison.Ordinal);
        Assert.DoesNotContain("limit", heldThanks, StringComparison.OrdinalIgnoreCase);

        // The link opened again.
        Assert.Contains("is already confirmed and counted", await TextAsync(counted), StringComparison.Ordinal);
        var heldAgain = await TextAsync(held);
        Assert.Contains(waits, heldAgain, StringComparison.Ordinal);
        Assert.DoesNotContain("counted", heldAgain, StringComparison.Ordinal);

        // The unsubscribe link of an update email, before and after the click.
        var ids = await Site.QueryAsync(db => db.Signatures.OrderBy(s => s.HeldBecause != null).Select(s => s.Id).ToListAsync());
        var protector = Site.Services.GetRequiredService<PersonalDataProtector>();
        string UnsubscribePath(long signatureId) => "/u/" + UnsubscribeLink.Create(protector, signatureId, campaign.Hosts[0].Id);
        Assert.Contains("Your signature still counts.", await TextAsync(UnsubscribePath(ids[0])), StringComparison.Ordinal);
        var heldUnsubscribe = await TextAsync(UnsubscribePath(ids[1]));
        Assert.Contains("Unsubscribing does not change your signature.", heldUnsubscribe, StringComparison.Ordinal);
        Assert.DoesNotContain("counts", heldUnsubscribe, StringComparison.Ordinal);
        var unsubscribed = await Site.Browser().PostAsync(UnsubscribePath(ids[1]), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
        var unsubscribedText = WebUtility.HtmlDecode(await unsubscribed.Content.ReadAsStringAsync());
        Assert.Contains("You are unsubscribed", unsubscribedText, StringComparison.Ordinal);
        Assert.Contains("Unsubscribing does not change your signature.", unsubscribedText, StringComparison.Ordinal);
        Assert.DoesNotContain("counts", unsubscribedText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_hold_a_flood_from_one_email_domain_but_not_from_a_common_mail_service()
    {
        var campaign = await Site.AddCampaignAsync();
        var limit = new RateLimitOptions().PerEmailDomain.Burst;
        for (var i = 0; i < limit + 3; i++)
        {
            await FormFiller.PostAsync(Site.Browser(IPAddress.Parse($"198.18.{i}.1")), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: $"user{i}@flood.example"));
            await FormFiller.PostAsync(Site.Browser(IPAddress.Parse($"2001:db8:{i + 1}::5")), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: $"user{i}@gmail.com"));
        }

        var held = await Site.QueryAsync(db => db.Signatures.Where(s => s.HeldBecause != null).Select(s => s.HeldBecause).ToListAsync());
        Assert.Equal(3, held.Count);
        Assert.All(held, reason => Assert.Equal(SigningRates.EmailDomainReason, reason));
    }

    [Fact]
    public async Task Should_set_a_group_aside_and_undo_it_with_the_count_following_both_ways()
    {
        var campaign = await Site.AddCampaignAsync();
        for (var i = 0; i < 4; i++)
        {
            var domain = i % 2 == 0 ? "gmail.com" : "example.org";
            await FormFiller.PostAsync(Site.Browser(IPAddress.Parse($"203.0.113.{i + 1}")), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: $"person{i}@{domain}", country: i < 2 ? "FR" : "GB"));
        }

        await ConfirmAllAsync(4);
        Assert.Equal(4, await CountAsync(campaign));
        var moderator = await SignedInAsync();
        var review = $"/staff/campaigns/{campaign.Id}/trends";

        var setAside = await FormFiller.PostAsync(moderator, review + "?handler=Invalidate", [new("Group.Domain", "@Example.org ")]);
        Assert.Equal(HttpStatusCode.Redirect, setAside.StatusCode);
        Assert.Equal(2, await CountAsync(campaign));
        await AssertCountersMatchRowsAsync(campaign);
        var invalidation = await Site.QueryAsync(db => db.Invalidations.SingleAsync());
        Assert.Equal((2, 2, "moderator@example.org", "email domain example.org"), (invalidation.SignatureCount, invalidation.CountedCount, invalidation.InvalidatedBy, invalidation.Description));

        // The whole campaign, with the example.org ones already aside: only the other two move.
        await FormFiller.PostAsync(moderator, review + "?handler=Invalidate", []);
        Assert.Equal(0, await CountAsync(campaign));
        await AssertCountersMatchRowsAsync(campaign);

        var undo = await FormFiller.PostAsync(moderator, $"{review}?handler=Undo&invalidation={invalidation.Id}", []);
        Assert.Equal(HttpStatusCode.Redirect, undo.StatusCode);
        Assert.Equal(2, await CountAsync(campaign));
        await AssertCountersMatchRowsAsync(campaign);

        // Undoing twice changes nothing; the log keeps both acts.
        await FormFiller.PostAsync(moderator, $"{review}?handler=Undo&invalidation={invalidation.Id}", []);
        Assert.Equal(2, await CountAsync(campaign));
        var page = await moderator.GetStringAsync(review);
        Assert.Contains("Undone by moderator@example.org", page, StringComparison.Ordinal);
        Assert.Contains("all signatures", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_bad_group_with_a_clear_message_and_change_nothing()
    {
        var campaign = await Site.AddCampaignAsync();
        var moderator = await SignedInAsync();
        var review = $"/staff/campaigns/{campaign.Id}/trends";

        var response = await FormFiller.PostAsync(moderator, review + "?handler=Invalidate",
            [new("Group.Network", "not-a-code"), new("Group.Domain", "nodot"), new("Group.From", "2026-11-24T10:00"), new("Group.Until", "2026-11-24T09:00")]);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("Copy the network's code from the report", html, StringComparison.Ordinal);
        Assert.Contains("Enter an email domain like example.org.", html, StringComparison.Ordinal);
        Assert.Contains("The end of the time window must come after its start.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"nodot\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await Site.QueryAsync(db => db.Invalidations.CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await FormFiller.PostAsync(moderator, $"{review}?handler=Undo&invalidation=999", [])).StatusCode);
    }

    [Fact]
    public async Task Should_hash_addresses_with_a_salt_that_changes_every_day_and_keep_only_todays()
    {
        var addresses = Site.Services.GetRequiredService<NetworkAddresses>();
        var today = await addresses.HashAsync(IPAddress.Parse("198.51.100.7"));
        var again = await addresses.HashAsync(IPAddress.Parse("::ffff:198.51.100.7"));
        var neighbour = await addresses.HashAsync(IPAddress.Parse("198.51.100.200"));

        Assert.Equal(today!.Address, again!.Address);
        Assert.NotEqual(today.Address, neighbour!.Address);
        Assert.Equal(today.Network, neighbour.Network);

        Site.Clock.Advance(TimeSpan.FromDays(1));
        var tomorrow = await addresses.HashAsync(IPAddress.Parse("198.51.100.7"));
        Assert.NotEqual(today.Address, tomorrow!.Address);
        Assert.NotEqual(today.Network, tomorrow.Network);
        Assert.Equal(DateOnly.FromDateTime(Site.Clock.GetUtcNow().UtcDateTime), Assert.Single(await Site.QueryAsync(db => db.IpSalts.ToListAsync())).Day);
    }

    [Fact]
    public async Task Should_answer_a_flooding_client_with_429_and_a_clear_page_and_leave_others_alone()
    {
        await using var site = await TestSite.StartAsync(provider, settings =>
        {
            settings["RateLimits:FloodRequests"] = "5";
            settings["RateLimits:FloodWindowSeconds"] = "60";
        });
        await site.AddCampaignAsync();
        var flooder = site.Browser(IPAddress.Parse("198.51.100.66"));
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await flooder.GetAsync("/c/stop-the-cameras")).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var refused = await flooder.GetAsync("/c/stop-the-cameras");
        Assert.Equal("60", refused.Headers.RetryAfter?.ToString());
        Assert.Contains("Too many requests from your connection", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await site.Browser(IPAddress.Parse("198.51.100.67")).GetAsync("/c/stop-the-cameras")).StatusCode);
    }

    [Fact]
    public async Task Should_count_an_ipv6_slash_64_as_one_flooding_client_whichever_of_its_addresses_it_uses()
    {
        await using var site = await TestSite.StartAsync(provider, settings =>
        {
            settings["RateLimits:FloodRequests"] = "5";
            settings["RateLimits:FloodWindowSeconds"] = "60";
        });
        await site.AddCampaignAsync();

        // Anyone holding a /64 can pick a fresh address of it for every request.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
        {
            statuses.Add((await site.Browser(IPAddress.Parse($"2001:db8:7:1::{i + 1:x}")).GetAsync("/c/stop-the-cameras")).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await site.Browser(IPAddress.Parse("2001:db8:7:1:ffff:ffff:ffff:ffff")).GetAsync("/c/stop-the-cameras")).StatusCode);

        // The next /64 is someone else; an IPv4 address is counted alone, however it is written.
        Assert.Equal(HttpStatusCode.OK, (await site.Browser(IPAddress.Parse("2001:db8:7:2::1")).GetAsync("/c/stop-the-cameras")).StatusCode);
        var ipv4 = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            ipv4.Add((await site.Browser(IPAddress.Parse("198.51.100.66")).GetAsync("/c/stop-the-cameras")).StatusCode);
            ipv4.Add((await site.Browser(IPAddress.Parse("::ffff:198.51.100.66")).GetAsync("/c/stop-the-cameras")).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 5), HttpStatusCode.TooManyRequests], ipv4);
        Assert.Equal(HttpStatusCode.OK, (await site.Browser(IPAddress.Parse("198.51.100.67")).GetAsync("/c/stop-the-cameras")).StatusCode);
    }

    [Fact]
    public async Task Should_hold_signatures_from_many_slash_64s_of_one_ipv6_slash_48_over_its_limit()
    {
        var campaign = await Site.AddCampaignAsync();
        var limit = new RateLimitOptions().PerWideNetwork.Burst;
        for (var i = 0; i < limit + 3; i++)
        {
            // Each from its own /64 (under the per-network limit) at a common mail service (no domain limit).
            var response = await FormFiller.PostAsync(Site.Browser(IPAddress.Parse($"2001:db8:5:{i + 1:x}::9")), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: $"person{i}@gmail.com"));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/c/{campaign.Slug}/check-email", response.Headers.Location?.OriginalString);
        }

        var stored = await Site.QueryAsync(db => db.Signatures.OrderBy(s => s.Id).ToListAsync());
        Assert.Equal([.. Enumerable.Repeat<string?>(null, limit), .. Enumerable.Repeat<string?>(SigningRates.WideNetworkReason, 3)], stored.Select(s => s.HeldBecause));

        // The stored network stays the /64: one per signature here.
        Assert.Equal(limit + 3, stored.Select(s => Convert.ToHexString(s.NetworkHash!)).Distinct().Count());
    }

    /// <summary>
    /// The issue's flood: 10,000 signing attempts from addresses in one /24, each with its own
    /// solved proof of work and a fresh email domain, sent through a real server behind a
    /// (loopback) proxy that names the client in X-Forwarded-For. The attacker owns every mailbox,
    /// so every signature is confirmed. At most what the network limit allows may count.
    /// </summary>
    [Fact]
    public async Task Should_count_at_most_the_network_limit_of_a_flood_from_one_slash_24_and_report_the_network()
    {
        const int attempts = 10_000;
        await using var site = await TestSite.StartAsync(provider, settings =>
        {
            settings.Remove("RateLimits:FloodRequests");

            // Tens of thousands of requests: logging each query at Trace level would take most of the time.
            settings["Logging:LogLevel:Default"] = "Warning";
        }, kestrel: true);
        var campaign = await site.AddCampaignAsync();
        var limits = new RateLimitOptions();

        using var attacker = new HttpClient(new LoopbackCookieJar(new SocketsHttpHandler { MaxConnectionsPerServer = 16 })) { BaseAddress = new Uri(site.Address) };
        var form = await FormFiller.CompleteAsync(attacker, $"/c/{campaign.Slug}", SigningTests.Form(campaign));
        var statuses = new System.Collections.Concurrent.ConcurrentDictionary<HttpStatusCode, int>();
        var started = DateTime.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, attempts), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, cancellationToken) =>
        {
            var from = $"203.0.113.{i % 250 + 1}";
            using var challenge = new HttpRequestMessage(HttpMethod.Get, $"/c/{campaign.Slug}/altcha");
            challenge.Headers.Add("X-Forwarded-For", from);
            using var challengeResponse = await attacker.SendAsync(challenge, cancellationToken);
            if (challengeResponse.StatusCode != HttpStatusCode.OK)
            {
                statuses.AddOrUpdate(challengeResponse.StatusCode, 1, (_, n) => n + 1);
                return;
            }

            var proof = ProofOfWork.SolveLikeTheWidget(await challengeResponse.Content.ReadAsStringAsync(cancellationToken));
            var fields = form.Where(f => f.Key is not ("Input.Email" or "altcha"))
                .Append(new("Input.Email", $"volunteer{i}@d{i}.attacker.example"))
                .Append(new("altcha", proof));
            using var post = new HttpRequestMessage(HttpMethod.Post, $"/c/{campaign.Slug}") { Content = new FormUrlEncodedContent(fields) };
            post.Headers.Add("X-Forwarded-For", from);
            using var response = await attacker.SendAsync(post, cancellationToken);
            statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
        });
        var seconds = (DateTime.UtcNow - started).TotalSeconds;

        // Every mailbox is the attacker's: confirm everything that was stored.
        var intake = site.Services.GetRequiredService<SignatureIntake>();
        var stored = await site.QueryAsync(db => db.Signatures.Where(s => s.CampaignId == campaign.Id).Select(s => s.Id).ToListAsync());
        foreach (var chunk in stored.Chunk(1000))
        {
            await Task.WhenAll(chunk.Select(id => intake.ConfirmAsync(new ConfirmRequest(id))));
        }

        // Fixed windows: a flood lasting this long touches at most this many of each.
        var network = limits.PerNetwork;
        var allowed = Math.Min(
            ((int)(seconds / network.BurstSeconds) + 1) * network.Burst,
            ((int)(seconds / network.SustainedSeconds) + 1) * network.Sustained);
        var counted = await site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync());
        Console.WriteLine($"Flood from one /24 on {provider}: {attempts:N0} attempts in {seconds:F1} s; answers {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}×{s.Value}"))}; " +
            $"{stored.Count:N0} stored, {counted} counted, at most {allowed} allowed.");

        Assert.Equal(attempts, statuses.GetValueOrDefault(HttpStatusCode.Redirect));
        Assert.Equal(attempts, stored.Count);
        Assert.InRange(counted, 1, allowed);

        // The moderators' report names the network (by its hash, as the app computes it today).
        var moderator = new HttpClient(new LoopbackCookieJar()) { BaseAddress = new Uri(site.Address) };
        await site.Staff.SignInAsync(moderator, "moderator@example.org", StaffRoles.Moderator);
        var report = await moderator.GetStringAsync($"/staff/campaigns/{campaign.Id}/trends");
        var hash = await site.Services.GetRequiredService<NetworkAddresses>().HashAsync(IPAddress.Parse("203.0.113.99"));
        Assert.Contains(Convert.ToHexStringLower(hash!.Network), report, StringComparison.Ordinal);
        Assert.Contains($"Held for review: {attempts - counted:N0}.", report, StringComparison.Ordinal);
    }

    private Task<HttpClient> SignedInAsync() => Site.Staff.SignedInAsync("moderator@example.org", StaffRoles.Moderator);

    private async Task ConfirmAllAsync(int count)
    {
        foreach (var email in await Site.Mailbox.EmailsAsync(count))
        {
            var confirmed = await FormFiller.PostAsync(Site.Browser(), Mailbox.ConfirmationPath(email), []);
            Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        }
    }

    /// <summary>Presses the button of a confirmation link and reads the thank-you page it leads to.</summary>
    private async Task<string> ThanksAfterConfirmingAsync(string confirmationPath)
    {
        var browser = Site.Browser();
        var confirmed = await FormFiller.PostAsync(browser, confirmationPath, []);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        return Text(await browser.GetStringAsync(confirmed.Headers.Location!.OriginalString));
    }

    private async Task<string> TextAsync(string path) => Text(await Site.Browser().GetStringAsync(path));

    /// <summary>The page's words without its markup: a campaign's title sits in a span marking its language.</summary>
    private static string Text(string html) => WebUtility.HtmlDecode(Regex.Replace(html, "<[^>]*>", ""));

    private async Task<int> CountAsync(Campaign campaign) =>
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync());

    /// <summary>The campaign's total, its by-country and by-day counters all equal the signatures that count.</summary>
    private async Task AssertCountersMatchRowsAsync(Campaign campaign)
    {
        var (total, byCountry, byDay, counting) = await Site.QueryAsync(async db => (
            await db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync(),
            await db.CountryCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count),
            await db.DayCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count),
            await db.Signatures.Where(s => s.CampaignId == campaign.Id).CountAsync(Signature.Counts)));
        Assert.Equal((counting, counting, counting), (total, byCountry, byDay));
    }
}

public sealed class RateLimitsOnSqlite() : RateLimitTests(DatabaseProvider.Sqlite);

public sealed class RateLimitsOnPostgres() : RateLimitTests(DatabaseProvider.Postgres);
