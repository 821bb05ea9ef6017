using System.Net;
using System.Security.Cryptography;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Countersign.Tests.Signing;

/// <summary>
/// Scripted signatures are never counted: the honeypot, the minimum time to fill and the refusal
/// of throwaway addresses. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class BotCheckTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    // Unlike the other tests, the bot checks here run with a real minimum time to fill.
    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider, settings => settings["Signing:MinimumSecondsToFill"] = "3");

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_answer_a_filled_honeypot_like_a_real_signature_but_store_it_invalidated_and_email_nobody()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var (stamp, _) = await FormAsync(browser, campaign);
        Site.Clock.Advance(TimeSpan.FromSeconds(10));

        var response = await PostAsync(browser, campaign, SigningTests.Form(campaign), stamp, honeypot: "https://spam.example");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal($"/c/{campaign.Slug}/check-email", response.Headers.Location?.OriginalString);
        var stored = await Site.QueryAsync(db => db.Signatures.SingleAsync());
        Assert.Equal(SignatureState.Invalidated, stored.State);
        Assert.Equal(BotChecks.HoneypotReason, stored.InvalidatedBecause);
        Assert.Null(stored.ConfirmationTokenHash);
        Assert.Equal(0, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Equal(0, await CountAsync(campaign));
    }

    [Fact]
    public async Task Should_invalidate_a_form_sent_faster_than_a_person_can_fill_it_or_without_a_genuine_stamp()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var (stamp, _) = await FormAsync(browser, campaign);
        Site.Clock.Advance(TimeSpan.FromSeconds(1));

        var tooFast = await PostAsync(browser, campaign, SigningTests.Form(campaign, email: "fast@example.org"), stamp);
        var forged = await PostAsync(browser, campaign, SigningTests.Form(campaign, email: "forged@example.org"), "1.AAAAAAAAAAAAAAAAAAAAAA");
        var missing = await PostAsync(browser, campaign, SigningTests.Form(campaign, email: "missing@example.org"), stamp: null);

        foreach (var response in new[] { tooFast, forged, missing })
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/c/{campaign.Slug}/check-email", response.Headers.Location?.OriginalString);
        }

        var stored = await Site.QueryAsync(db => db.Signatures.ToListAsync());
        Assert.Equal(3, stored.Count);
        Assert.All(stored, s => Assert.Equal(SignatureState.Invalidated, s.State));
        Assert.All(stored, s => Assert.Equal(BotChecks.TooFastReason, s.InvalidatedBecause));
        Assert.Equal(0, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));

        // The same form, sent after a person's few seconds, is a real signature.
        Site.Clock.Advance(TimeSpan.FromSeconds(3));
        var unhurried = await PostAsync(browser, campaign, SigningTests.Form(campaign, email: "unhurried@example.org"), stamp);
        Assert.Equal(HttpStatusCode.Redirect, unhurried.StatusCode);
        Assert.Single(await Site.Mailbox.EmailsAsync(1));
        Assert.Equal(1, await Site.QueryAsync(db => db.Signatures.CountAsync(s => s.State == SignatureState.Pending)));
    }

    [Fact]
    public async Task Should_let_a_person_sign_and_be_counted_after_a_script_used_their_address_first()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var (stamp, _) = await FormAsync(browser, campaign);
        Site.Clock.Advance(TimeSpan.FromSeconds(10));

        // A script signs with Amal's address, hoping to block her own signature.
        await PostAsync(browser, campaign, SigningTests.Form(campaign, name: "Not Amal"), stamp, honeypot: "x");
        var signed = await PostAsync(browser, campaign, SigningTests.Form(campaign), stamp);
        Assert.Equal(HttpStatusCode.Redirect, signed.StatusCode);

        var email = Assert.Single(await Site.Mailbox.EmailsAsync(1));
        Assert.Equal("amal.haddad@example.org", email.To.Mailboxes.Single().Address);
        var confirmed = await FormFiller.PostAsync(browser, Mailbox.ConfirmationPath(email), []);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);

        var stored = await Site.QueryAsync(db => db.Signatures.SingleAsync());
        Assert.Equal(SignatureState.Confirmed, stored.State);
        Assert.Null(stored.InvalidatedBecause);
        Assert.True(stored.ShowNamePublicly);
        Assert.Equal(1, await CountAsync(campaign));

        // And a script repeating her address afterwards changes nothing and emails nobody.
        await PostAsync(browser, campaign, SigningTests.Form(campaign, name: "Not Amal"), stamp, honeypot: "x");
        Assert.Equal(1, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Equal(SignatureState.Confirmed, (await Site.QueryAsync(db => db.Signatures.SingleAsync())).State);
        Assert.Equal(1, await CountAsync(campaign));
    }

    [Fact]
    public async Task Should_refuse_addresses_of_disposable_mail_services_with_a_clear_message_and_store_nothing()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var (stamp, _) = await FormAsync(browser, campaign);
        Site.Clock.Advance(TimeSpan.FromSeconds(10));

        foreach (var address in new[] { "someone@mailinator.com", "someone@inbox.MAILINATOR.com" })
        {
            var response = await PostAsync(browser, campaign, SigningTests.Form(campaign, email: address), stamp);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("disposable email service", html, StringComparison.Ordinal);
            Assert.Contains(WebUtility.HtmlEncode(address), html, StringComparison.Ordinal); // the form keeps what was typed
        }

        Assert.Equal(0, await Site.QueryAsync(db => db.Signatures.CountAsync()));
        Assert.True(DisposableEmailDomains.IsDisposable("a@guerrillamail.com"));
        Assert.False(DisposableEmailDomains.IsDisposable("a@example.org"));
        Assert.False(DisposableEmailDomains.IsDisposable("a@gmail.com"));
    }

    [Fact]
    public async Task Should_ask_to_press_Sign_again_with_the_form_kept_and_a_fresh_stamp_when_the_page_was_open_too_long()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var (stamp, _) = await FormAsync(browser, campaign);
        Site.Clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(1));

        var response = await PostAsync(browser, campaign, SigningTests.Form(campaign, email: "late@example.org"), stamp);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("This page was open too long", html, StringComparison.Ordinal);
        Assert.Contains("press Sign again", html, StringComparison.Ordinal);
        Assert.Contains("value=\"late@example.org\"", html, StringComparison.Ordinal);
        var fresh = FormFiller.FormStamp(html);
        Assert.NotEqual(stamp, fresh);
        Assert.Equal(0, await Site.QueryAsync(db => db.Signatures.CountAsync()));
        Assert.Equal(0, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));

        // The same form with the fresh stamp, a few seconds on, is a real signature.
        Site.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(browser, campaign, SigningTests.Form(campaign, email: "late@example.org"), fresh)).StatusCode);
        Assert.Equal(SignatureState.Pending, (await Site.QueryAsync(db => db.Signatures.SingleAsync())).State);
    }

    [Fact]
    public async Task Should_ask_to_post_a_comment_again_with_the_text_kept_when_the_page_was_open_too_long()
    {
        var campaign = await Site.AddCampaignAsync();
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, Countersign.Comments.CommentMode.PostModerated)));
        var browser = Site.Browser();
        var (_, page) = await FormAsync(browser, campaign);
        var stamp = CommentStamp(page);
        Site.Clock.Advance(TimeSpan.FromHours(12) + TimeSpan.FromMinutes(1));

        var response = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}?handler=Comment", new Dictionary<string, string>
        {
            ["Comment.Name"] = "Leïla Benali",
            ["Comment.Email"] = "leila.benali@example.org",
            ["Comment.Text"] = "Nobody asked us about these cameras.",
            ["Comment.Started"] = stamp,
        });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("This page was open too long", html, StringComparison.Ordinal);
        Assert.Contains("press Post comment again", html, StringComparison.Ordinal);
        Assert.Contains("Nobody asked us about these cameras.", html, StringComparison.Ordinal);
        Assert.NotEqual(stamp, CommentStamp(html));
        Assert.Equal(0, await Site.QueryAsync(db => db.Comments.CountAsync()));
    }

    private static string CommentStamp(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "name=\"Comment.Started\" value=\"(?<stamp>[^\"]+)\"").Groups["stamp"].Value;

    private static async Task<(string Stamp, string Html)> FormAsync(HttpClient browser, Campaign campaign)
    {
        var html = await browser.GetStringAsync($"/c/{campaign.Slug}");
        Assert.Contains($"name=\"{BotChecks.HoneypotField}\"", html, StringComparison.Ordinal);
        return (FormFiller.FormStamp(html), html);
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, Campaign campaign, Dictionary<string, string> form, string? stamp, string? honeypot = null)
    {
        var fields = new Dictionary<string, string>(form);
        if (honeypot is not null)
        {
            fields[BotChecks.HoneypotField] = honeypot;
        }

        fields["Input.Started"] = stamp ?? ""; // an empty stamp stops PostFormAsync from adding the page's

        return await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", fields);
    }

    private Task<int> CountAsync(Campaign campaign) =>
        Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync());
}

public sealed class BotChecksOnSqlite() : BotCheckTests(DatabaseProvider.Sqlite);

public sealed class BotChecksOnPostgres() : BotCheckTests(DatabaseProvider.Postgres);

/// <summary>The form stamp's time rules, checked on <see cref="BotChecks"/> itself.</summary>
public sealed class FormStampTests : IDisposable
{
    private readonly PersonalDataProtector _protector = new(new PrivacyKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)));

    public void Dispose() => _protector.Dispose();

    /// <summary>A whole second, as stamps count in seconds: the boundaries below fall exactly where they say.</summary>
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private BotChecks Checks(TimeProvider clock) => new(_protector, clock, Options.Create(new BotCheckOptions { MinimumSecondsToFill = 3 }));

    [Fact]
    public void Should_take_a_stamp_from_a_few_seconds_to_twelve_hours_old_and_call_an_older_one_out_of_date()
    {
        var clock = new FakeTimeProvider(Now);
        var checks = Checks(clock);
        var stamp = checks.IssueStamp();

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Null(checks.Suspicion(honeypot: null, stamp));
        Assert.False(checks.IsOutOfDate(stamp));

        clock.Advance(BotChecks.MaximumFormAge - TimeSpan.FromSeconds(10));
        Assert.Null(checks.Suspicion(honeypot: null, stamp));
        Assert.False(checks.IsOutOfDate(stamp));

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(checks.IsOutOfDate(stamp));
        Assert.Equal(BotChecks.TooFastReason, checks.Suspicion(honeypot: null, stamp));
    }

    [Fact]
    public void Should_call_a_stamp_dated_ahead_of_the_clock_out_of_date_beyond_a_few_seconds_of_clock_difference()
    {
        var ahead = new FakeTimeProvider(Now + TimeSpan.FromMinutes(30));
        var slightlyAhead = new FakeTimeProvider(Now + BotChecks.ClockDifferenceAllowed);
        var here = Checks(new FakeTimeProvider(Now));

        // Another server, its clock half an hour ahead, stamped this form: how long it took is unknown.
        var fromTheFuture = Checks(ahead).IssueStamp();
        Assert.True(here.IsOutOfDate(fromTheFuture));
        Assert.Equal(BotChecks.TooFastReason, here.Suspicion(honeypot: null, fromTheFuture));

        // A few seconds' difference is servers' clocks disagreeing a little: read as a form sent at once.
        var nearlyNow = Checks(slightlyAhead).IssueStamp();
        Assert.False(here.IsOutOfDate(nearlyNow));
        Assert.Equal(BotChecks.TooFastReason, here.Suspicion(honeypot: null, nearlyNow));

        // Forged and missing stamps are a script's, never merely out of date.
        Assert.False(here.IsOutOfDate("1.AAAAAAAAAAAAAAAAAAAAAA"));
        Assert.False(here.IsOutOfDate(null));
    }
}
