using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Countersign.Tests.Signing;

/// <summary>The signing form's proof of work: the widget's protocol, one use per solution, clear errors, harder during a spike.</summary>
public sealed class ProofOfWorkTests : IAsyncLifetime
{
    private TestSite _site = null!;

    public async Task InitializeAsync() => _site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["ProofOfWork:SpikeSignaturesPerMinute"] = "3");

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public void Should_derive_keys_exactly_as_the_altcha_widget_and_library_do()
    {
        // Vector made with altcha-lib 2.8.0 (createChallenge SHA-256, cost 1, counter 1000) and
        // solved by the widget's own worker code: SHA-256(salt ‖ nonce ‖ uint32be(counter)).
        var key = ProofOfWork.DeriveKey(Convert.FromHexString("970af150acedbbe8f1f5add13191e1e2"), Convert.FromHexString("d02782d24d83230777999841cc920fff"), 1000);
        Assert.Equal("4fe60a6699588f8911f6b979ff07d9688f5e82f238b1a126d0d9a1a11ae59f7d", Convert.ToHexStringLower(key));
    }

    [Fact]
    public async Task Should_hand_out_fresh_signed_challenges_in_the_widgets_format_that_expire_within_ten_minutes()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var first = JsonNode.Parse(await browser.GetStringAsync($"/c/{campaign.Slug}/altcha"))!;
        var second = JsonNode.Parse(await browser.GetStringAsync($"/c/{campaign.Slug}/altcha"))!;

        var parameters = first["parameters"]!.AsObject();
        Assert.Equal(["algorithm", "cost", "expiresAt", "keyLength", "keyPrefix", "nonce", "salt"], parameters.Select(p => p.Key));
        Assert.Equal("SHA-256", (string?)parameters["algorithm"]);
        Assert.Equal(32, (int)parameters["keyLength"]!);
        Assert.Matches("^[0-9a-f]{64}$", (string?)first["signature"]);
        Assert.NotEqual((string?)parameters["nonce"], (string?)second["parameters"]!["nonce"]);
        var expiresIn = (long)parameters["expiresAt"]! - _site.Clock.GetUtcNow().ToUnixTimeSeconds();
        Assert.InRange(expiresIn, 1, 600);

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/c/no-such-campaign/altcha")).StatusCode);
    }

    [Fact]
    public async Task Should_count_a_solution_once_and_store_a_replay_as_invalidated_without_email()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var solution = await ProofOfWorkSolver.FetchAndSolveAsync(browser, $"/c/{campaign.Slug}/altcha");

        var first = await SignAsync(browser, campaign, "first@example.org", solution);
        var replay = await SignAsync(browser, campaign, "replay@example.org", solution);

        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, replay.StatusCode);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        var stored = await _site.QueryAsync(db => db.Signatures.OrderBy(s => s.Id).ToListAsync());
        Assert.Equal([SignatureState.Pending, SignatureState.Invalidated], stored.Select(s => s.State));
        Assert.Equal(BotChecks.ReplayedReason, stored[1].InvalidatedBecause);
        Assert.Equal(1, await _site.QueryAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task Should_ask_again_with_the_form_kept_when_the_solution_is_missing_forged_or_expired()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var path = $"/c/{campaign.Slug}/altcha";
        var cases = new Dictionary<string, string>
        {
            ["missing"] = "",
            ["not base64"] = "%%%",
            ["wrong counter"] = ProofOfWorkSolver.Tamper(await ProofOfWorkSolver.FetchAndSolveAsync(browser, path),
                payload => payload["solution"]!["counter"] = (uint)payload["solution"]!["counter"]! + 1),
            ["easier prefix"] = ProofOfWorkSolver.Tamper(await ProofOfWorkSolver.FetchAndSolveAsync(browser, path),
                payload => payload["challenge"]!["parameters"]!["keyPrefix"] = "00"),
            ["test mode"] = Convert.ToBase64String(Encoding.UTF8.GetBytes("""{"challenge":null,"solution":null,"test":true}""")),
        };

        foreach (var (problem, payload) in cases)
        {
            var response = await SignAsync(browser, campaign, "amal.haddad@example.org", payload);
            Assert.True(response.StatusCode == HttpStatusCode.UnprocessableEntity, $"{problem}: {(int)response.StatusCode}");
            var html = await response.Content.ReadAsStringAsync();
            Assert.Contains("anti-spam check to finish", html, StringComparison.Ordinal);
            Assert.Contains("value=\"amal.haddad@example.org\"", html, StringComparison.Ordinal);
        }

        var solved = await ProofOfWorkSolver.FetchAndSolveAsync(browser, path);
        _site.Clock.Advance(TimeSpan.FromMinutes(11));
        var expired = await SignAsync(browser, campaign, "amal.haddad@example.org", solved);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, expired.StatusCode);
        Assert.Contains("anti-spam check expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(0, await _site.QueryAsync(db => db.Signatures.CountAsync()));
    }

    [Fact]
    public async Task Should_make_challenges_harder_while_a_campaign_is_signed_faster_than_the_spike_threshold()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var path = $"/c/{campaign.Slug}/altcha";

        // MaxNumber is 50 in tests: the secret counter is between 25 and 50, and 10 times that in a spike.
        Assert.InRange(Counter(await ProofOfWorkSolver.FetchAndSolveAsync(browser, path)), 25u, 50u);
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignAsync(browser, campaign, $"fast{i}@example.org", await ProofOfWorkSolver.FetchAndSolveAsync(browser, path))).StatusCode);
        }

        Assert.InRange(Counter(await ProofOfWorkSolver.FetchAndSolveAsync(browser, path)), 250u, 500u);

        // A minute later the spike is over.
        _site.Clock.Advance(TimeSpan.FromMinutes(1.5));
        Assert.InRange(Counter(await ProofOfWorkSolver.FetchAndSolveAsync(browser, path)), 25u, 50u);
    }

    [Fact]
    public void Should_accept_a_solution_only_for_the_campaign_and_form_its_challenge_was_made_for()
    {
        using var protector = new PersonalDataProtector(new PrivacyKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)));
        var proofOfWork = new ProofOfWork(protector, new FakeTimeProvider(DateTimeOffset.UtcNow), Options.Create(new ProofOfWorkOptions { MaxNumber = 50 }));
        string Solve(int campaignId, ProofOfWorkPurpose purpose) => ProofOfWork.SolveLikeTheWidget(proofOfWork.CreateChallenge(campaignId, purpose));

        Assert.Equal(ProofOfWorkResult.Invalid, proofOfWork.Check(Solve(1, ProofOfWorkPurpose.Signing), 2, ProofOfWorkPurpose.Signing));
        Assert.Equal(ProofOfWorkResult.Invalid, proofOfWork.Check(Solve(1, ProofOfWorkPurpose.Signing), 1, ProofOfWorkPurpose.Comment));
        Assert.Equal(ProofOfWorkResult.Invalid, proofOfWork.Check(Solve(1, ProofOfWorkPurpose.Comment), 1, ProofOfWorkPurpose.Signing));
        Assert.Equal(ProofOfWorkResult.Invalid, proofOfWork.Check(Solve(12, ProofOfWorkPurpose.Comment), 1, ProofOfWorkPurpose.Comment));
        Assert.Equal(ProofOfWorkResult.Solved, proofOfWork.Check(Solve(1, ProofOfWorkPurpose.Signing), 1, ProofOfWorkPurpose.Signing));
        Assert.Equal(ProofOfWorkResult.Solved, proofOfWork.Check(Solve(1, ProofOfWorkPurpose.Comment), 1, ProofOfWorkPurpose.Comment));
    }

    [Fact]
    public async Task Should_refuse_a_solution_made_for_another_campaign_so_a_spike_cannot_be_dodged()
    {
        var quiet = await _site.AddCampaignAsync("a-quiet-campaign");
        var busy = await _site.AddCampaignAsync("a-busy-campaign");
        var browser = _site.Browser();
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignAsync(browser, busy, $"fast{i}@example.org", await ProofOfWorkSolver.FetchAndSolveAsync(browser, $"/c/{busy.Slug}/altcha"))).StatusCode);
        }

        // The quiet campaign's challenges are the easy ones; the busy one's are ten times harder.
        var easy = await ProofOfWorkSolver.FetchAndSolveAsync(browser, $"/c/{quiet.Slug}/altcha");
        Assert.InRange(Counter(easy), 25u, 50u);
        var response = await SignAsync(browser, busy, "dodger@example.org", easy);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("anti-spam check to finish", html, StringComparison.Ordinal);
        Assert.Contains("value=\"dodger@example.org\"", html, StringComparison.Ordinal);
        Assert.Equal(4, await _site.QueryAsync(db => db.Signatures.CountAsync()));

        // Made for the quiet campaign, it still signs the quiet campaign.
        Assert.Equal(HttpStatusCode.Redirect, (await SignAsync(browser, quiet, "dodger@example.org", easy)).StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_signing_solution_on_the_comment_form_and_a_comment_solution_on_the_signing_form()
    {
        var campaign = await _site.AddCampaignAsync();
        await _site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, Countersign.Comments.CommentMode.PostModerated)));
        var browser = _site.Browser();
        var page = await browser.GetStringAsync($"/c/{campaign.Slug}");
        var widgets = ChallengePaths(page);
        Assert.Equal(2, widgets.Count);
        var commentPath = Assert.Single(widgets, path => path.EndsWith("/comments/altcha", StringComparison.Ordinal));
        var signingPath = Assert.Single(widgets, path => path != commentPath);

        var comment = new Dictionary<string, string>
        {
            ["Comment.Name"] = "Leïla Benali",
            ["Comment.Email"] = "leila.benali@example.org",
            ["Comment.Text"] = "Nobody asked us about these cameras.",
            [ProofOfWork.FormField] = await ProofOfWorkSolver.FetchAndSolveAsync(browser, signingPath),
        };
        var commented = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}?handler=Comment", comment);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, commented.StatusCode);
        Assert.Contains("anti-spam check to finish", await commented.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var signed = await SignAsync(browser, campaign, "amal.haddad@example.org", await ProofOfWorkSolver.FetchAndSolveAsync(browser, commentPath));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, signed.StatusCode);
        Assert.Contains("anti-spam check to finish", await signed.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(0, await _site.QueryAsync(db => db.Comments.CountAsync()));
        Assert.Equal(0, await _site.QueryAsync(db => db.Signatures.CountAsync()));
    }

    /// <summary>Where each proof-of-work widget of a page fetches its challenge, in the page's order.</summary>
    private static List<string> ChallengePaths(string html) =>
        System.Text.RegularExpressions.Regex.Matches(html, "<altcha-widget challenge=\"(?<path>[^\"]+)\"").Select(m => System.Net.WebUtility.HtmlDecode(m.Groups["path"].Value)).ToList();

    private static uint Counter(string payload) =>
        (uint)JsonNode.Parse(Convert.FromBase64String(payload))!["solution"]!["counter"]!;

    /// <summary>Signs with the given proof of work in place of one solved for this form.</summary>
    internal static Task<HttpResponseMessage> SignAsync(HttpClient browser, Campaign campaign, string email, string proofOfWork)
    {
        var form = SigningTests.Form(campaign, email: email);
        form[ProofOfWork.FormField] = proofOfWork;
        return FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", form);
    }
}
