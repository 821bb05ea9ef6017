using System.Net;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// The optional sponsor step: with <c>Campaigns:SponsorSignatures</c> set, a campaign sent for review first
/// gathers that many confirmed signatures through its sponsor link, unseen by the public, then goes to the
/// moderators by itself. Without the setting, nothing changes.
/// </summary>
public abstract partial class SponsorStepTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (Site is not null)
        {
            await Site.DisposeAsync();
        }
    }

    private async Task StartAsync(int sponsorSignatures) =>
        Site = await TestSite.StartAsync(provider, settings => settings["Campaigns:SponsorSignatures"] = sponsorSignatures.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Should_send_a_campaign_straight_to_the_moderators_when_no_supporting_signatures_are_asked_for()
    {
        await StartAsync(sponsorSignatures: 0);
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var organiser = await Site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);
        Assert.DoesNotContain("supporting signatures", await TextAsync(await organiser.GetAsync($"/staff/campaigns/{campaign.Id}")), StringComparison.Ordinal);

        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.InReview);

        Assert.Equal(CampaignState.InReview, await StateAsync(campaign.Id));
        Assert.Null(await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SponsorToken).SingleAsync()));
        var review = await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id);
        Assert.Contains($"/staff/reviews/{review}", await organiser.GetStringAsync("/staff/reviews"), StringComparison.Ordinal);
        Assert.DoesNotContain("sponsor-link", await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}"), StringComparison.Ordinal);
        Assert.Equal([AuditAction.CampaignSubmitted], await ActionsAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_gather_supporting_signatures_through_the_sponsor_link_then_go_to_review_and_count_them_once_open()
    {
        await StartAsync(sponsorSignatures: 2);
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var organiser = await Site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);
        var moderator = await Site.Staff.SignedInAsync("moderator@example.org", StaffRoles.Moderator);
        Assert.Contains("it needs 2 supporting signatures through its sponsor link", await TextAsync(await organiser.GetAsync($"/staff/campaigns/{campaign.Id}")), StringComparison.Ordinal);

        // Sent for review, it goes to its supporters: not in the queue, not public.
        var sent = await LifecycleSteps.PostMoveAsync(organiser, campaign.Id, CampaignState.InReview);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Equal(CampaignState.Sponsoring, await StateAsync(campaign.Id));
        Assert.Equal(0, await Site.QueryAsync(db => db.CampaignReviews.CountAsync()));
        Assert.Contains("Nothing is waiting for review.", await moderator.GetStringAsync("/staff/reviews"), StringComparison.Ordinal);
        var visitor = Site.Browser();
        foreach (var path in new[] { "/c/drop-the-stake", "/c/drop-the-stake.json", "/c/drop-the-stake/altcha", "/c/drop-the-stake/check-email", "/c/drop-the-stake/thanks" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await visitor.GetAsync(path)).StatusCode);
        }

        Assert.DoesNotContain("drop-the-stake", await visitor.GetStringAsync("/"), StringComparison.Ordinal);

        // The organisers' page shows the link to share and how far it has got.
        var editPage = await TextAsync(await organiser.GetAsync($"/staff/campaigns/{campaign.Id}"));
        Assert.Contains("Gathering supporting signatures", editPage, StringComparison.Ordinal);
        Assert.Contains("0 of 2 supporting signatures", editPage, StringComparison.Ordinal);
        Assert.DoesNotContain(">Send for review<", editPage, StringComparison.Ordinal);
        var sponsorPath = SponsorPath(editPage);
        Assert.Matches("^/c/drop-the-stake/sponsor/[A-Za-z0-9_-]{22}$", sponsorPath);

        // A wrong token, or the right one on another campaign's address, finds nothing, with a page that says so.
        await Site.AddCampaignAsync("another-campaign", CampaignState.Open);
        foreach (var path in new[] { "/c/drop-the-stake/sponsor/not-the-token", $"/c/another-campaign/sponsor/{sponsorPath.Split('/')[^1]}", "/c/no-such-campaign/sponsor/x" })
        {
            var wrong = await visitor.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, wrong.StatusCode);
            Assert.Contains("This sponsor link does not work", await TextAsync(wrong), StringComparison.Ordinal);
        }

        // The link shows the campaign and the usual signing form.
        var sponsorPage = await visitor.GetAsync(sponsorPath);
        Assert.Equal(HttpStatusCode.OK, sponsorPage.StatusCode);
        Assert.True(sponsorPage.Headers.CacheControl?.NoStore);
        var sponsorHtml = await TextAsync(sponsorPage);
        Assert.Contains("Support this campaign", sponsorHtml, StringComparison.Ordinal);
        Assert.Contains("It needs 2 supporting signatures before a moderator reviews it and it opens to everyone; it has 0.", sponsorHtml, StringComparison.Ordinal);
        Assert.Contains("Cancel the contract", sponsorHtml, StringComparison.Ordinal);
        Assert.Contains($"challenge=\"{sponsorPath}/altcha\"", sponsorHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("drop-the-stake.json", sponsorHtml, StringComparison.Ordinal);

        // Signing without the link is refused as for any campaign that is not open.
        var withoutLink = await visitor.PostAsync("/c/drop-the-stake", new FormUrlEncodedContent(
            await FormFiller.CompleteAsync(visitor, sponsorPath, SigningTests.Form(campaign, email: "outsider@example.org"))));
        Assert.Equal(HttpStatusCode.NotFound, withoutLink.StatusCode);

        // Two supporters sign through the link and confirm.
        var first = await FormFiller.PostAsync(visitor, sponsorPath, SigningTests.Form(campaign, name: "Amal Haddad", email: "amal.haddad@example.org"));
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal($"{sponsorPath}/check-email", first.Headers.Location?.OriginalString);
        Assert.Contains("Check your email", await TextAsync(await visitor.GetAsync($"{sponsorPath}/check-email")), StringComparison.Ordinal);
        await FormFiller.PostAsync(Site.Browser(), sponsorPath, SigningTests.Form(campaign, name: "Jonas Weber", email: "jonas.weber@example.org", country: "DE"));
        var emails = await Site.Mailbox.EmailsAsync(2);
        Assert.Equal(0, await CountAsync(campaign.Id));

        var confirmed = await FormFiller.PostAsync(visitor, ConfirmationFor(emails, "amal.haddad@example.org"), []);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal($"{sponsorPath}/thanks", confirmed.Headers.Location?.OriginalString);
        Assert.Contains("It has 1 of the 2 supporting signatures it needs", await TextAsync(await visitor.GetAsync($"{sponsorPath}/thanks")), StringComparison.Ordinal);
        Assert.Equal(CampaignState.Sponsoring, await StateAsync(campaign.Id));
        Assert.Contains("1 of 2 supporting signatures", await TextAsync(await organiser.GetAsync($"/staff/campaigns/{campaign.Id}")), StringComparison.Ordinal);

        var second = Site.Browser();
        await FormFiller.PostAsync(second, ConfirmationFor(emails, "jonas.weber@example.org"), []);

        // The second confirmation sends it to the moderators, recorded as Countersign's own doing.
        Assert.Equal(CampaignState.InReview, await StateAsync(campaign.Id));
        Assert.Contains("has the supporting signatures it needs and now waits for a moderator's review", await TextAsync(await second.GetAsync($"{sponsorPath}/thanks")), StringComparison.Ordinal);
        var automatic = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.CampaignId == campaign.Id).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditAction.CampaignSentToSponsors, AuditAction.CampaignSubmitted], automatic.Select(e => e.Action));
        Assert.NotNull(automatic[0].StaffUserId);
        Assert.Null(automatic[1].StaffUserId);
        Assert.Equal("2 supporting signatures of 2 needed", automatic[1].Details);
        Assert.Contains("Countersign (automatic)", await TextAsync(await organiser.GetAsync($"/staff/audit?campaign={campaign.Id}")), StringComparison.Ordinal);
        var review = await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id);
        var queue = await moderator.GetStringAsync("/staff/reviews");
        Assert.Contains($"/staff/reviews/{review}", queue, StringComparison.Ordinal);
        Assert.Contains("organiser@example.org", queue, StringComparison.Ordinal);
        var waiting = await visitor.GetAsync(sponsorPath);
        Assert.Equal(HttpStatusCode.NotFound, waiting.StatusCode);
        Assert.Contains("waiting for a moderator's review", await TextAsync(waiting), StringComparison.Ordinal);

        // Sent back and mended, it goes straight to review: its two supporters still count.
        await LifecycleSteps.DecideAsync(moderator, review, approve: false, reason: "Name the fund in the second demand.");
        var mending = await visitor.GetAsync(sponsorPath);
        Assert.Equal(HttpStatusCode.NotFound, mending.StatusCode);
        Assert.Contains("A moderator has asked its organisers to change it.", await TextAsync(mending), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await LifecycleSteps.SaveAsync(organiser, campaign, demands: "Cancel the contract\nPublish the M12 fund's impact assessment")).StatusCode);
        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.InReview);
        Assert.Equal(CampaignState.InReview, await StateAsync(campaign.Id));

        // Approved, it opens with its supporters' signatures counted; the old link leads to the public page.
        await LifecycleSteps.DecideAsync(moderator, await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id), approve: true);
        Assert.Equal(CampaignState.Open, await StateAsync(campaign.Id));
        Assert.Equal(2, await CountAsync(campaign.Id));
        Assert.Contains("data-testid=\"signature-count\">2<", await visitor.GetStringAsync("/c/drop-the-stake"), StringComparison.Ordinal);
        var oldLink = await visitor.GetAsync(sponsorPath);
        Assert.Equal(HttpStatusCode.Redirect, oldLink.StatusCode);
        Assert.Equal("/c/drop-the-stake", oldLink.Headers.Location?.OriginalString);
        Assert.Equal(
            [
                AuditAction.CampaignSentToSponsors, AuditAction.CampaignSubmitted, AuditAction.CampaignRejected, AuditAction.CampaignEdited,
                AuditAction.CampaignSubmitted, AuditAction.CampaignApproved,
            ],
            await ActionsAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_refuse_the_moves_and_edits_a_campaign_gathering_supporters_does_not_allow()
    {
        await StartAsync(sponsorSignatures: 2);
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var organiser = await Site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);
        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.InReview);

        var skipSupporters = await LifecycleSteps.PostMoveAsync(organiser, campaign.Id, CampaignState.InReview);
        Assert.Equal(HttpStatusCode.Conflict, skipSupporters.StatusCode);
        Assert.Contains("This campaign goes to the moderators by itself once it has 2 supporting signatures; it has 0.", await TextAsync(skipSupporters), StringComparison.Ordinal);
        var close = await LifecycleSteps.PostMoveAsync(organiser, campaign.Id, CampaignState.Closed);
        Assert.Equal(HttpStatusCode.Conflict, close.StatusCode);
        Assert.Contains("Only an open campaign can be closed.", await TextAsync(close), StringComparison.Ordinal);
        var selfApproval = await LifecycleSteps.PostMoveAsync(organiser, campaign.Id, CampaignState.Open);
        Assert.Equal(HttpStatusCode.BadRequest, selfApproval.StatusCode);
        var edit = await LifecycleSteps.SaveAsync(organiser, campaign, demands: "A demand nobody supported");
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        Assert.Contains("This campaign is gathering supporting signatures: it stays as its supporters read it.", await TextAsync(edit), StringComparison.Ordinal);
        Assert.Equal(CampaignState.Sponsoring, await StateAsync(campaign.Id));
        Assert.Equal(0, await Site.QueryAsync(db => db.CampaignReviews.CountAsync()));

        // Withdrawn, its link no longer takes signatures, and says why.
        var sponsorPath = SponsorPath(await TextAsync(await organiser.GetAsync($"/staff/campaigns/{campaign.Id}")));
        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.Withdrawn);
        var withdrawn = await Site.Browser().GetAsync(sponsorPath);
        Assert.Equal(HttpStatusCode.NotFound, withdrawn.StatusCode);
        Assert.Contains("Its organisers have withdrawn it", await TextAsync(withdrawn), StringComparison.Ordinal);
        Assert.Equal([AuditAction.CampaignSentToSponsors, AuditAction.CampaignWithdrawn], await ActionsAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_send_a_campaign_to_review_once_when_supporters_confirm_at_the_same_moment()
    {
        await StartAsync(sponsorSignatures: 2);
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Sponsoring);
        var sponsorPath = "/" + campaign.SponsorPath;
        foreach (var (name, email) in new[] { ("Amal Haddad", "amal.haddad@example.org"), ("Jonas Weber", "jonas.weber@example.org"), ("Chloé Martin", "chloe.martin@example.org") })
        {
            await FormFiller.PostAsync(Site.Browser(), sponsorPath, SigningTests.Form(campaign, name: name, email: email));
        }

        var emails = await Site.Mailbox.EmailsAsync(3);
        var browsers = emails.Select(_ => Site.Browser()).ToList();
        var forms = await Task.WhenAll(emails.Select((email, i) => FormFiller.CompleteAsync(browsers[i], Mailbox.ConfirmationPath(email), [])));
        var answers = await Task.WhenAll(emails.Select((email, i) => browsers[i].PostAsync(Mailbox.ConfirmationPath(email), new FormUrlEncodedContent(forms[i]))));

        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode));
        Assert.Equal(CampaignState.InReview, await StateAsync(campaign.Id));
        Assert.Equal(3, await CountAsync(campaign.Id));
        Assert.Equal(1, await Site.QueryAsync(db => db.CampaignReviews.CountAsync(r => r.CampaignId == campaign.Id && r.Decision == null)));
        Assert.Equal([AuditAction.CampaignSubmitted], await ActionsAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_withdraw_a_campaign_left_as_the_moderators_sent_it_back_and_erase_its_supporters_data_after_the_retention_period()
    {
        await StartAsync(sponsorSignatures: 1);
        var left = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Sponsoring);
        var mended = await Site.AddCampaignAsync("still-mending", CampaignState.Sponsoring);
        foreach (var (campaign, email) in new[] { (left, "amal.haddad@example.org"), (mended, "jonas.weber@example.org") })
        {
            await FormFiller.PostAsync(Site.Browser(), "/" + campaign.SponsorPath, SigningTests.Form(campaign, email: email));
        }

        foreach (var email in await Site.Mailbox.EmailsAsync(2))
        {
            await FormFiller.PostAsync(Site.Browser(), Mailbox.ConfirmationPath(email), []);
        }

        var moderator = await Site.Staff.SignedInAsync("moderator@example.org", StaffRoles.Moderator);
        foreach (var campaign in new[] { left, mended })
        {
            await LifecycleSteps.DecideAsync(moderator, await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id), approve: false, reason: "Name the fund in the second demand.");
        }

        // Five months on, one campaign's organisers mend it; the other's never come back.
        var retention = Site.Services.GetRequiredService<RetentionJob>();
        Site.Clock.Advance(TimeSpan.FromDays(150));
        var organiser = await Site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);
        Assert.Equal(HttpStatusCode.Redirect, (await LifecycleSteps.SaveAsync(organiser, mended, demands: "Cancel the contract\nPublish the M12 fund's impact assessment")).StatusCode);
        Assert.Null(await retention.RunOnceAsync());

        Site.Clock.Advance(TimeSpan.FromDays(40));
        var run = await retention.RunOnceAsync();

        Assert.Equal(1, run?.CampaignsErased);
        Assert.Equal(CampaignState.Withdrawn, await StateAsync(left.Id));
        Assert.NotNull(await ErasedAtAsync(left.Id));
        Assert.Empty(Assert.Single(await NamesAsync(left.Id)));
        Assert.Equal(1, await CountAsync(left.Id));
        var withdrawal = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.CampaignId == left.Id).OrderBy(e => e.Id).LastAsync());
        Assert.Equal(AuditAction.CampaignWithdrawn, withdrawal.Action);
        Assert.Null(withdrawal.StaffUserId);
        Assert.StartsWith("Left as the moderators sent it back since ", withdrawal.Details, StringComparison.Ordinal);

        // The mended one is still its organisers' to send again, its supporter's details intact.
        Assert.Equal(CampaignState.Rejected, await StateAsync(mended.Id));
        Assert.Null(await ErasedAtAsync(mended.Id));
        Assert.NotEmpty(Assert.Single(await NamesAsync(mended.Id)));
        Assert.Null(await retention.RunOnceAsync());
    }

    [Fact]
    public async Task Should_tell_supporters_on_the_privacy_page_what_becomes_of_a_campaign_left_as_the_moderators_sent_it_back()
    {
        await StartAsync(sponsorSignatures: 0);
        Assert.DoesNotContain("you supported before its launch", await TextAsync(await Site.Browser().GetAsync("/privacy")), StringComparison.Ordinal);
        await Site.DisposeAsync();

        await StartAsync(sponsorSignatures: 5);
        Assert.Contains("leave it so for 6 months, it is withdrawn and your personal data is erased", await TextAsync(await Site.Browser().GetAsync("/privacy")), StringComparison.Ordinal);
    }

    private async Task<List<byte[]>> NamesAsync(int campaignId) =>
        await Site.QueryAsync(db => db.Signatures.Where(s => s.CampaignId == campaignId).Select(s => s.NameCiphertext).ToListAsync());

    private async Task<DateTime?> ErasedAtAsync(int campaignId) =>
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.PersonalDataErasedAt).SingleAsync());

    private static string SponsorPath(string editPage)
    {
        var match = SponsorLinkField().Match(editPage);
        Assert.True(match.Success, "The campaign's page shows no sponsor link.");
        return new Uri(match.Groups["url"].Value).AbsolutePath;
    }

    private static string ConfirmationFor(IEnumerable<MimeKit.MimeMessage> emails, string address) =>
        Mailbox.ConfirmationPath(emails.Single(e => e.To.Mailboxes.Single().Address == address));

    private async Task<string> StateAsync(int campaignId) => await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.State).SingleAsync());

    private async Task<int> CountAsync(int campaignId) => await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.SignatureCount).SingleAsync());

    private async Task<List<string>> ActionsAsync(int campaignId) =>
        await Site.QueryAsync(db => db.AuditEntries.Where(e => e.CampaignId == campaignId).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());

    private static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    [GeneratedRegex("value=\"(?<url>[^\"]+)\" aria-label=\"Sponsor link\"")]
    private static partial Regex SponsorLinkField();
}

public sealed class SponsorStepOnSqlite() : SponsorStepTests(DatabaseProvider.Sqlite);

public sealed class SponsorStepOnPostgres() : SponsorStepTests(DatabaseProvider.Postgres);
