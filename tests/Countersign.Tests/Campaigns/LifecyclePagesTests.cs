using System.Net;
using System.Text.Json;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// An organiser runs a campaign from draft to outcome through the staff pages, a moderator reviews
/// it and its later changes, and every step lands in the audit log, which nobody can rewrite.
/// </summary>
public abstract class LifecyclePagesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_take_a_campaign_from_draft_to_its_outcome_refusing_each_illegal_step_with_a_reason()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var organiser = await StaffAsync("organiser@example.org", isAdmin: true);

        var tooEarly = await LifecycleSteps.PostMoveAsync(organiser, campaign.Id, CampaignState.Delivered);
        Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);
        Assert.Contains("Only a closed campaign can be marked as delivered: close it first.", await TextAsync(tooEarly), StringComparison.Ordinal);
        var selfApproval = await LifecycleSteps.PostMoveAsync(organiser, campaign.Id, CampaignState.Open);
        Assert.Equal(HttpStatusCode.BadRequest, selfApproval.StatusCode);
        Assert.Contains("Moderators approve or reject campaigns from the review queue.", await TextAsync(selfApproval), StringComparison.Ordinal);
        Assert.Equal(CampaignState.Draft, await StateAsync(campaign.Id));

        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.InReview);
        var editInReview = await LifecycleSteps.SaveAsync(organiser, campaign, demands: "A demand written during review");
        Assert.Equal(HttpStatusCode.Conflict, editInReview.StatusCode);
        Assert.Contains("This campaign is waiting for review.", await TextAsync(editInReview), StringComparison.Ordinal);

        var firstReview = await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id);
        Assert.Contains($"/staff/reviews/{firstReview}", await organiser.GetStringAsync("/staff/reviews"), StringComparison.Ordinal);
        Assert.Contains("Everything submitted (first review)", await organiser.GetStringAsync($"/staff/reviews/{firstReview}"), StringComparison.Ordinal);

        var noReason = await LifecycleSteps.PostDecisionAsync(organiser, firstReview, approve: false);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains("Tell the organisers what to change", await TextAsync(noReason), StringComparison.Ordinal);
        await LifecycleSteps.DecideAsync(organiser, firstReview, approve: false, reason: "Name the fund in the second demand.");
        Assert.Equal(CampaignState.Rejected, await StateAsync(campaign.Id));
        Assert.Contains("Name the fund in the second demand.", await TextAsync(await organiser.GetAsync($"/staff/campaigns/{campaign.Id}")), StringComparison.Ordinal);

        // Mended and sent again, the moderator sees only what changed since the rejection.
        Assert.Equal(HttpStatusCode.Redirect, (await LifecycleSteps.SaveAsync(organiser, campaign, demands: "Cancel the contract\nPublish the M12 fund's impact assessment")).StatusCode);
        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.InReview);
        var secondReview = await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id);
        var diff = await TextAsync(await organiser.GetAsync($"/staff/reviews/{secondReview}"));
        Assert.Contains("What changed since the last review", diff, StringComparison.Ordinal);
        Assert.Contains("<del><span class=\"visually-hidden\">Removed: </span>− Publish the impact assessment</del>", diff, StringComparison.Ordinal);
        Assert.Contains("<ins><span class=\"visually-hidden\">Added: </span>+ Publish the M12 fund's impact assessment</ins>", diff, StringComparison.Ordinal);
        Assert.DoesNotContain("<h3>Title</h3>", diff, StringComparison.Ordinal);

        await LifecycleSteps.DecideAsync(organiser, secondReview, approve: true);
        Assert.Equal(CampaignState.Open, await StateAsync(campaign.Id));
        Assert.Contains("/c/drop-the-stake", await Site.Browser().GetStringAsync("/"), StringComparison.Ordinal);
        var twice = await LifecycleSteps.PostDecisionAsync(organiser, secondReview, approve: true);
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        Assert.Contains("This has been decided already", await TextAsync(twice), StringComparison.Ordinal);

        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.Closed);
        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.Delivered);
        var badOutcome = await FormFiller.PostAsync(organiser, $"/staff/campaigns/{campaign.Id}?handler=Outcome",
            [new("Outcome.Outcome", "victorious"), new("Outcome.On", "27 March"), new("Outcome.Text", "The fund sold its stake.")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badOutcome.StatusCode);
        var badOutcomePage = await TextAsync(badOutcome);
        Assert.Contains("Choose an outcome from the list.", badOutcomePage, StringComparison.Ordinal);
        Assert.Contains("Enter a date like 2027-03-31.", badOutcomePage, StringComparison.Ordinal);
        Assert.Contains("The fund sold its stake.</textarea>", badOutcomePage, StringComparison.Ordinal);
        var launchDay = DateOnly.FromDateTime((await Site.QueryAsync(db => db.Campaigns.SingleAsync(c => c.Id == campaign.Id))).OpenedAt!.Value);
        var beforeLaunch = await FormFiller.PostAsync(organiser, $"/staff/campaigns/{campaign.Id}?handler=Outcome",
            [new("Outcome.Outcome", CampaignOutcome.Won), new("Outcome.On", $"{launchDay.AddDays(-1):yyyy-MM-dd}"), new("Outcome.Text", "The fund sold its stake.")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, beforeLaunch.StatusCode);
        var beforeLaunchPage = await TextAsync(beforeLaunch);
        Assert.Contains("The outcome cannot be dated before the campaign was launched.", beforeLaunchPage, StringComparison.Ordinal);
        Assert.Contains($"value=\"{launchDay.AddDays(-1):yyyy-MM-dd}\"", beforeLaunchPage, StringComparison.Ordinal);
        Assert.Contains("The fund sold its stake.</textarea>", beforeLaunchPage, StringComparison.Ordinal);
        var outcome = await FormFiller.PostAsync(organiser, $"/staff/campaigns/{campaign.Id}?handler=Outcome",
            [new("Outcome.Outcome", CampaignOutcome.Won), new("Outcome.On", $"{launchDay:yyyy-MM-dd}"), new("Outcome.Text", "The fund sold its stake.")]);
        Assert.Equal(HttpStatusCode.Redirect, outcome.StatusCode);

        var page = await TextAsync(await Site.Browser().GetAsync("/c/drop-the-stake"));
        Assert.Contains("Delivered", page, StringComparison.Ordinal);
        Assert.Contains("The fund sold its stake.", page, StringComparison.Ordinal);
        Assert.Contains($"<strong>Won</strong>, <time datetime=\"{launchDay:yyyy-MM-dd}\">", page, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await Site.Browser().GetStringAsync("/c/drop-the-stake.json"));
        Assert.Equal("delivered", json.RootElement.GetProperty("state").GetString());
        Assert.Equal("won", json.RootElement.GetProperty("outcome").GetProperty("state").GetString());
        Assert.Equal($"{launchDay:yyyy-MM-dd}", json.RootElement.GetProperty("outcome").GetProperty("date").GetString());

        var stored = await Site.QueryAsync(db => db.Campaigns.SingleAsync(c => c.Id == campaign.Id));
        Assert.NotNull(stored.OpenedAt);
        Assert.NotNull(stored.ClosedAt);
        Assert.NotNull(stored.DeliveredAt);

        var actions = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.CampaignId == campaign.Id).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal(
            [
                AuditAction.CampaignSubmitted, AuditAction.CampaignRejected, AuditAction.CampaignEdited, AuditAction.CampaignSubmitted,
                AuditAction.CampaignApproved, AuditAction.CampaignClosed, AuditAction.CampaignDelivered, AuditAction.OutcomeRecorded,
            ],
            actions);
        var log = await TextAsync(await organiser.GetAsync($"/staff/audit?campaign={campaign.Id}"));
        Assert.Contains("Name the fund in the second demand.", log, StringComparison.Ordinal);
        Assert.Contains("organiser@example.org", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_hold_a_change_to_what_an_open_campaign_asks_until_a_moderator_approves_it()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake");
        var organiser = await StaffAsync("organiser@example.org", isAdmin: true);

        var noReason = await LifecycleSteps.SaveAsync(organiser, campaign, demands: "Cancel the contract\nSell the stake", body: "Fixed a typo.");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains("Say why the published text changes", await TextAsync(noReason), StringComparison.Ordinal);
        var newAddress = await LifecycleSteps.SaveAsync(organiser, campaign, slug: "a-new-address");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, newAddress.StatusCode);
        Assert.Contains("The address of a published campaign cannot change", await TextAsync(newAddress), StringComparison.Ordinal);
        Assert.Equal(0, await Site.QueryAsync(db => db.CampaignReviews.CountAsync()));

        Assert.Equal(HttpStatusCode.Redirect, (await LifecycleSteps.SaveAsync(organiser, campaign, demands: "Cancel the contract\nSell the stake", body: "Fixed a typo.", reason: "Typo in the first line")).StatusCode);
        var signers = await TextAsync(await Site.Browser().GetAsync("/c/drop-the-stake"));
        Assert.Contains("Fixed a typo.", signers, StringComparison.Ordinal);
        Assert.Contains("Publish the impact assessment", signers, StringComparison.Ordinal);
        Assert.DoesNotContain("Sell the stake", signers, StringComparison.Ordinal);

        var another = await LifecycleSteps.SaveAsync(organiser, campaign, demands: "Something else entirely", body: "Fixed a typo.");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, another.StatusCode);
        Assert.Contains("already waiting for review", await TextAsync(another), StringComparison.Ordinal);

        var change = await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id);
        Assert.Contains("<ins><span class=\"visually-hidden\">Added: </span>+ Sell the stake</ins>", await TextAsync(await organiser.GetAsync($"/staff/reviews/{change}")), StringComparison.Ordinal);
        await LifecycleSteps.DecideAsync(organiser, change, approve: false, reason: "Selling is not the ask of the coalition.");
        Assert.Contains("Selling is not the ask of the coalition.", await TextAsync(await organiser.GetAsync($"/staff/campaigns/{campaign.Id}")), StringComparison.Ordinal);
        Assert.DoesNotContain("Sell the stake", await TextAsync(await Site.Browser().GetAsync("/c/drop-the-stake")), StringComparison.Ordinal);

        await LifecycleSteps.SaveAsync(organiser, campaign, demands: "Cancel the contract\nDivest from the company", body: "Fixed a typo.");
        await LifecycleSteps.DecideAsync(organiser, await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id), approve: true);
        Assert.Contains("Divest from the company", await TextAsync(await Site.Browser().GetAsync("/c/drop-the-stake")), StringComparison.Ordinal);
        Assert.Equal(CampaignState.Open, await StateAsync(campaign.Id));

        // A change still waiting when the campaign closes is dropped: a closed campaign keeps what its signers signed.
        await LifecycleSteps.SaveAsync(organiser, campaign, demands: "One last demand", body: "Fixed a typo.");
        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.Closed);
        Assert.Equal(ReviewDecision.Dropped, await Site.QueryAsync(db => db.CampaignReviews.OrderBy(r => r.Id).Select(r => r.Decision).LastAsync()));
        Assert.Contains("Nothing is waiting for review.", await organiser.GetStringAsync("/staff/reviews"), StringComparison.Ordinal);
        var closedEdit = await LifecycleSteps.SaveAsync(organiser, campaign, demands: "One last demand", body: "Fixed a typo.");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, closedEdit.StatusCode);
        Assert.Contains("This campaign no longer takes signatures", await TextAsync(closedEdit), StringComparison.Ordinal);

        var details = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.CampaignEdited).Select(e => e.Details).ToListAsync());
        Assert.Contains("Wording: Typo in the first line", details);
    }

    [Fact]
    public async Task Should_refuse_the_review_queue_to_staff_without_the_moderator_role()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.InReview);
        await Site.QueryAsync(db =>
        {
            db.CampaignReviews.Add(new CampaignReview { CampaignId = campaign.Id, Kind = ReviewKind.Launch, Content = CampaignContent.Of(campaign).ToJson() });
            return db.SaveChangesAsync();
        });
        var review = await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id);
        var organiser = await StaffAsync("organiser@example.org", isAdmin: false);

        var queue = await organiser.GetAsync("/staff/reviews");
        Assert.Equal(HttpStatusCode.Forbidden, queue.StatusCode);
        Assert.Contains("Your account cannot do this", await TextAsync(queue), StringComparison.Ordinal);
        Assert.DoesNotContain("/staff/reviews", await organiser.GetStringAsync("/staff"), StringComparison.Ordinal);

        var page = await organiser.GetStringAsync("/staff/audit");
        var approval = await organiser.PostAsync($"/staff/reviews/{review}?handler=Approve", new FormUrlEncodedContent([new("__RequestVerificationToken", FormFiller.AntiforgeryToken(page))]));
        Assert.Equal(HttpStatusCode.Forbidden, approval.StatusCode);
        Assert.Equal(CampaignState.InReview, await StateAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_keep_the_audit_log_append_only_even_for_direct_database_writes()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var organiser = await StaffAsync("organiser@example.org", isAdmin: true);
        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.InReview);
        var entry = await Site.QueryAsync(db => db.AuditEntries.SingleAsync());

        foreach (var sql in new[] { """UPDATE "AuditEntries" SET "Action" = 'nothing.happened'""", """DELETE FROM "AuditEntries" """ })
        {
            var refused = await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => Site.QueryAsync(db => db.Database.ExecuteSqlRawAsync(sql)));
            Assert.Contains("The audit log cannot be changed.", refused.Message, StringComparison.Ordinal);
        }

        var after = await Site.QueryAsync(db => db.AuditEntries.SingleAsync());
        Assert.Equal((entry.Id, entry.Action, entry.At), (after.Id, after.Action, after.At));
        Assert.Equal(AuditAction.CampaignSubmitted, after.Action);
    }

    private Task<HttpClient> StaffAsync(string email, bool isAdmin) =>
        Site.Staff.SignedInAsync(email, isAdmin ? [StaffRoles.Admin] : []);

    private async Task<string> StateAsync(int campaignId) => await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.State).SingleAsync());

    private static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
}

public sealed class LifecyclePagesOnSqlite() : LifecyclePagesTests(DatabaseProvider.Sqlite);

public sealed class LifecyclePagesOnPostgres() : LifecyclePagesTests(DatabaseProvider.Postgres);
