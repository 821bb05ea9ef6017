using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// Every campaign move on its own, on a real database without a web host: what each move stores (state, dates,
/// review row, audit entry), what it refuses and why, and what happens when two people move a campaign at once.
/// The staff pages' wording of each answer is tested in <see cref="LifecyclePagesTests"/>.
/// </summary>
public abstract class CampaignLifecycleTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const int SponsorsNeeded = 2;

    private TestDatabase Database { get; set; } = null!;

    private ClaimsPrincipal Organiser { get; set; } = null!;

    private ClaimsPrincipal Moderator { get; set; } = null!;

    public Task InitializeAsync() => StartAsync();

    public async Task DisposeAsync() => await Database.DisposeAsync();

    private async Task StartAsync(Action<Dictionary<string, string?>>? configure = null)
    {
        Database = await TestDatabase.CreateAsync(provider, configure);

        // Whole seconds, so that times read back from either database equal the clock's.
        var now = Database.Clock.GetUtcNow();
        Database.Clock.SetUtcNow(now.AddTicks(TimeSpan.TicksPerSecond - (now.Ticks % TimeSpan.TicksPerSecond)));
        Organiser = await Database.AddStaffAsync("organiser@example.org");
        Moderator = await Database.AddStaffAsync("moderator@example.org");
    }

    [Fact]
    public async Task Should_send_a_draft_for_review_with_its_launch_review_and_audit_entry_and_stamp_it_updated()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var sentAt = Later(TimeSpan.FromHours(1));

        Assert.Equal(MoveOutcome.Moved, (await MoveAsync(campaign.Id, CampaignState.InReview)).Outcome);

        var stored = await StoredAsync(campaign.Id);
        Assert.Equal((CampaignState.InReview, sentAt), (stored.State, stored.UpdatedAt));
        var review = Assert.Single(await Database.WithDbAsync(db => db.CampaignReviews.ToListAsync()));
        Assert.Equal((campaign.Id, ReviewKind.Launch, sentAt, StaffIdOf(Organiser), (string?)null), (review.CampaignId, review.Kind, review.SubmittedAt, review.SubmittedBy, review.Decision));
        Assert.Equal(CampaignContent.Of(stored).ToJson(), review.Content);
        Assert.Equal([(AuditAction.CampaignSubmitted, StaffIdOf(Organiser), (string?)null)], await AuditAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_refuse_the_moves_a_campaign_does_not_allow_and_store_nothing()
    {
        var draft = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var open = await Database.AddCampaignAsync("open-one", CampaignState.Open);

        Assert.Equal(MoveRefusal.NotAnOrganiserMove, (await MoveAsync(draft.Id, CampaignState.Open)).Refusal);
        Assert.Equal(MoveRefusal.NotAnOrganiserMove, (await MoveAsync(draft.Id, "published")).Refusal);
        Assert.Equal(MoveRefusal.NotFromThisState, (await MoveAsync(draft.Id, CampaignState.Delivered)).Refusal);
        Assert.Equal(MoveRefusal.NotFromThisState, (await MoveAsync(draft.Id, CampaignState.Closed)).Refusal);
        Assert.Equal(MoveRefusal.NotFromThisState, (await MoveAsync(open.Id, CampaignState.InReview)).Refusal);
        await MoveAsync(open.Id, CampaignState.Closed);
        Assert.Equal(MoveRefusal.NotFromThisState, (await MoveAsync(open.Id, CampaignState.Withdrawn)).Refusal);

        Assert.Equal(CampaignState.Draft, (await StoredAsync(draft.Id)).State);
        Assert.Empty(await AuditAsync(draft.Id));
        Assert.Equal(0, await Database.WithDbAsync(db => db.CampaignReviews.CountAsync()));
    }

    [Fact]
    public async Task Should_close_and_deliver_an_open_campaign_dropping_a_change_still_waiting()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake");
        Assert.True((await SaveAsync(campaign.Id, demands: "Cancel the contract\nSell the stake")).ChangeProposed);
        var closedAt = Later(TimeSpan.FromDays(1));

        Assert.Equal(MoveOutcome.Moved, (await MoveAsync(campaign.Id, CampaignState.Closed)).Outcome);
        var deliveredAt = Later(TimeSpan.FromDays(1));
        Assert.Equal(MoveOutcome.Moved, (await MoveAsync(campaign.Id, CampaignState.Delivered)).Outcome);

        var stored = await StoredAsync(campaign.Id);
        Assert.Equal((CampaignState.Delivered, closedAt, deliveredAt, deliveredAt), (stored.State, stored.ClosedAt, stored.DeliveredAt, stored.UpdatedAt));
        Assert.Equal(["Cancel the contract", "Publish the impact assessment"], stored.Demands);
        var change = Assert.Single(await Database.WithDbAsync(db => db.CampaignReviews.ToListAsync()));
        Assert.Equal((ReviewKind.Change, ReviewDecision.Dropped, closedAt), (change.Kind, change.Decision, change.DecidedAt));
        Assert.Equal(
            [AuditAction.ChangeProposed, AuditAction.CampaignClosed, AuditAction.CampaignDelivered],
            (await AuditAsync(campaign.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Should_answer_conflict_when_the_campaign_moved_under_the_organiser_and_save_nothing_of_theirs()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake");
        await using var scope = Database.Scope();
        var lifecycle = scope.ServiceProvider.GetRequiredService<CampaignLifecycle>();
        var seen = await lifecycle.FindAsync(campaign.Id, CancellationToken.None);

        // Another organiser withdraws it while the first still has the open campaign on their screen.
        await MoveAsync(campaign.Id, CampaignState.Withdrawn);
        var closing = await lifecycle.MoveAsync(seen!, CampaignState.Closed, Organiser, CancellationToken.None);

        Assert.Equal(MoveOutcome.Conflict, closing.Outcome);
        Assert.Equal(CampaignState.Withdrawn, (await StoredAsync(campaign.Id)).State);
        Assert.Equal([AuditAction.CampaignWithdrawn], (await AuditAsync(campaign.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Should_send_a_campaign_to_its_supporters_first_then_to_review_once_they_have_signed()
    {
        await Database.DisposeAsync();
        await StartAsync(settings => settings["Campaigns:SponsorSignatures"] = SponsorsNeeded.ToString(CultureInfo.InvariantCulture));
        var campaign = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Draft);

        await MoveAsync(campaign.Id, CampaignState.InReview);
        var sponsoring = await StoredAsync(campaign.Id);
        Assert.Equal(CampaignState.Sponsoring, sponsoring.State);
        Assert.NotNull(sponsoring.SponsorToken);
        Assert.Equal(MoveRefusal.WaitsForSponsors, (await MoveAsync(campaign.Id, CampaignState.InReview)).Refusal);
        Assert.Equal(MoveRefusal.GatheringSponsors, (await SaveAsync(campaign.Id, demands: "A demand nobody supported")).Refusal);

        // One supporter short, the sponsor step leaves it; with both, it goes to review as Countersign's own move.
        var job = Database.Get<SponsorJob>();
        await SetSignatureCountAsync(campaign.Id, SponsorsNeeded - 1);
        Assert.Equal(0, await job.SendToReviewAsync(campaignId: null));
        await SetSignatureCountAsync(campaign.Id, SponsorsNeeded);
        var sentAt = Later(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await job.SendToReviewAsync(campaign.Id));
        Assert.Equal(0, await job.SendToReviewAsync(campaignId: null));

        var stored = await StoredAsync(campaign.Id);
        Assert.Equal((CampaignState.InReview, sentAt), (stored.State, stored.UpdatedAt));
        var review = Assert.Single(await Database.WithDbAsync(db => db.CampaignReviews.ToListAsync()));
        Assert.Equal((ReviewKind.Launch, StaffIdOf(Organiser), sentAt), (review.Kind, review.SubmittedBy, review.SubmittedAt));
        Assert.Equal(
            [
                (AuditAction.CampaignSentToSponsors, StaffIdOf(Organiser), $"Needs {SponsorsNeeded} supporting signatures, has 0"),
                (AuditAction.CampaignSubmitted, null, $"{SponsorsNeeded} supporting signatures of {SponsorsNeeded} needed"),
            ],
            await AuditAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_move_each_campaign_with_enough_supporters_once_however_many_passes_race()
    {
        await Database.DisposeAsync();
        await StartAsync(settings => settings["Campaigns:SponsorSignatures"] = SponsorsNeeded.ToString(CultureInfo.InvariantCulture));
        var ready = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Sponsoring);
        var short1 = await Database.AddCampaignAsync("not-yet", CampaignState.Sponsoring);
        await SetSignatureCountAsync(ready.Id, SponsorsNeeded);
        await SetSignatureCountAsync(short1.Id, SponsorsNeeded - 1);
        var job = Database.Get<SponsorJob>();

        var moved = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => job.SendToReviewAsync(campaignId: null))));

        Assert.Equal(1, moved.Sum());
        Assert.Equal(CampaignState.InReview, (await StoredAsync(ready.Id)).State);
        Assert.Equal(CampaignState.Sponsoring, (await StoredAsync(short1.Id)).State);
        Assert.Equal(1, await Database.WithDbAsync(db => db.CampaignReviews.CountAsync()));
        Assert.Equal([AuditAction.CampaignSubmitted], (await AuditAsync(ready.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Should_close_a_campaign_at_its_deadline_as_Countersign_and_stamp_it_updated()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake");
        var now = Later(campaign.Deadline!.Value.AddDays(1).ToDateTime(TimeOnly.MinValue) - Database.Clock.GetUtcNow().UtcDateTime);

        Assert.Equal(1, await Database.Get<DeadlineJob>().CloseDueAsync());

        var stored = await StoredAsync(campaign.Id);
        Assert.Equal((CampaignState.Closed, now, now), (stored.State, stored.ClosedAt, stored.UpdatedAt));
        Assert.Equal([(AuditAction.CampaignClosed, null, "Deadline passed")], await AuditAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_record_an_outcome_only_for_a_published_campaign_and_only_a_valid_one()
    {
        var draft = await Database.AddCampaignAsync("a-draft", CampaignState.Draft);
        var delivered = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Delivered);
        var launchDay = DateOnly.FromDateTime(delivered.OpenedAt!.Value);
        var won = new OutcomeInput { Outcome = CampaignOutcome.Won, On = launchDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Text = " The fund sold its stake. " };

        Assert.Equal(MoveRefusal.NotPublished, (await RecordOutcomeAsync(draft.Id, won)).Refusal);
        var invalid = await RecordOutcomeAsync(delivered.Id, new OutcomeInput { Outcome = "victorious", On = "27 March", Text = new string('x', CampaignOutcome.TextMaxLength + 1) });
        Assert.Equal(MoveOutcome.Invalid, invalid.Outcome);
        Assert.Equal([nameof(OutcomeInput.On), nameof(OutcomeInput.Outcome), nameof(OutcomeInput.Text)], invalid.Problems.Keys.Order());
        var recordedAt = Later(TimeSpan.FromDays(3));
        Assert.Equal(MoveOutcome.Moved, (await RecordOutcomeAsync(delivered.Id, won)).Outcome);

        var stored = await StoredAsync(delivered.Id);
        Assert.Equal((CampaignOutcome.Won, launchDay, "The fund sold its stake.", recordedAt), (stored.Outcome, stored.OutcomeOn, stored.OutcomeText, stored.UpdatedAt));
        Assert.Equal([(AuditAction.OutcomeRecorded, StaffIdOf(Organiser), CampaignOutcome.Won)], await AuditAsync(delivered.Id));
        Assert.Empty(await AuditAsync(draft.Id));
    }

    [Fact]
    public async Task Should_date_an_outcome_between_the_launch_and_today_where_the_day_has_begun_anywhere()
    {
        // 11:00 UTC: already tomorrow at UTC+14 (Kiribati), so an organiser there may date what happened this morning.
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        Later(now.Date.AddDays(1).AddHours(11) - now);
        var campaign = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Delivered);
        var launchDay = DateOnly.FromDateTime(campaign.OpenedAt!.Value);
        OutcomeInput WonOn(DateOnly day) => new() { Outcome = CampaignOutcome.Won, On = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };

        var beforeLaunch = await RecordOutcomeAsync(campaign.Id, WonOn(launchDay.AddDays(-1)));
        var dayAfterTomorrow = await RecordOutcomeAsync(campaign.Id, WonOn(launchDay.AddDays(2)));

        Assert.Equal((MoveOutcome.Invalid, "The outcome cannot be dated before the campaign was launched."), (beforeLaunch.Outcome, beforeLaunch.Problems[nameof(OutcomeInput.On)]));
        Assert.Equal((MoveOutcome.Invalid, "The outcome cannot be dated in the future."), (dayAfterTomorrow.Outcome, dayAfterTomorrow.Problems[nameof(OutcomeInput.On)]));
        Assert.Null((await StoredAsync(campaign.Id)).OutcomeOn);
        Assert.Equal(MoveOutcome.Moved, (await RecordOutcomeAsync(campaign.Id, WonOn(launchDay.AddDays(1)))).Outcome);
        Assert.Equal(launchDay.AddDays(1), (await StoredAsync(campaign.Id)).OutcomeOn);
    }

    [Fact]
    public async Task Should_open_or_send_back_a_campaign_on_the_moderators_decision_with_their_reason()
    {
        var approved = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var rejected = await Database.AddCampaignAsync("another-one", CampaignState.Draft);
        await MoveAsync(approved.Id, CampaignState.InReview);
        await MoveAsync(rejected.Id, CampaignState.InReview);
        var decidedAt = Later(TimeSpan.FromHours(2));

        Assert.Equal(MoveOutcome.Moved, (await DecideAsync(await WaitingReviewAsync(approved.Id), ReviewDecision.Approved)).Outcome);
        var noReason = await DecideAsync(await WaitingReviewAsync(rejected.Id), ReviewDecision.Rejected, "  ");
        Assert.Equal((MoveOutcome.Invalid, "Tell the organisers what to change: they will read this reason."), (noReason.Outcome, Assert.Single(noReason.Problems.Values)));
        Assert.Equal(MoveOutcome.Moved, (await DecideAsync(await WaitingReviewAsync(rejected.Id), ReviewDecision.Rejected, " Name the fund. ")).Outcome);

        var open = await StoredAsync(approved.Id);
        Assert.Equal((CampaignState.Open, decidedAt, decidedAt), (open.State, open.OpenedAt, open.UpdatedAt));
        var sentBack = await StoredAsync(rejected.Id);
        Assert.Equal((CampaignState.Rejected, "Name the fund.", decidedAt), (sentBack.State, sentBack.RejectionReason, sentBack.UpdatedAt));
        var reviews = await Database.WithDbAsync(db => db.CampaignReviews.OrderBy(r => r.Id).ToListAsync());
        Assert.Equal(
            [(ReviewDecision.Approved, null, decidedAt, StaffIdOf(Moderator)), (ReviewDecision.Rejected, "Name the fund.", decidedAt, StaffIdOf(Moderator))],
            reviews.Select(r => (r.Decision, r.Reason, r.DecidedAt, r.DecidedBy)));
        Assert.Equal((AuditAction.CampaignApproved, StaffIdOf(Moderator), (string?)null), (await AuditAsync(approved.Id))[^1]);
        Assert.Equal((AuditAction.CampaignRejected, StaffIdOf(Moderator), "Name the fund."), (await AuditAsync(rejected.Id))[^1]);
    }

    [Fact]
    public async Task Should_let_only_one_of_two_moderators_deciding_at_the_same_moment_succeed()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        await MoveAsync(campaign.Id, CampaignState.InReview);
        var reviewId = await WaitingReviewAsync(campaign.Id);
        var second = await Database.AddStaffAsync("second.moderator@example.org");
        await using var first = Database.Scope();
        await using var other = Database.Scope();
        var firstLifecycle = first.ServiceProvider.GetRequiredService<CampaignLifecycle>();
        var otherLifecycle = other.ServiceProvider.GetRequiredService<CampaignLifecycle>();
        var firstSees = await firstLifecycle.FindReviewAsync(reviewId, CancellationToken.None);
        var otherSees = await otherLifecycle.FindReviewAsync(reviewId, CancellationToken.None);

        var results = await Task.WhenAll(
            Task.Run(() => firstLifecycle.DecideAsync(firstSees!, ReviewDecision.Approved, null, Moderator, CancellationToken.None)),
            Task.Run(() => otherLifecycle.DecideAsync(otherSees!, ReviewDecision.Rejected, "Name the fund.", second, CancellationToken.None)));

        Assert.Equal([MoveOutcome.Moved, MoveOutcome.NotAllowed], results.Select(r => r.Outcome).Order());
        Assert.Equal(MoveRefusal.AlreadyDecided, results.Single(r => r.Outcome == MoveOutcome.NotAllowed).Refusal);
        var review = await Database.WithDbAsync(db => db.CampaignReviews.SingleAsync());
        var winner = review.Decision == ReviewDecision.Approved ? (CampaignState.Open, StaffIdOf(Moderator)) : (CampaignState.Rejected, StaffIdOf(second));
        Assert.Equal(winner, ((await StoredAsync(campaign.Id)).State, review.DecidedBy));
        Assert.Equal([AuditAction.CampaignSubmitted, AuditAction.ForMoveTo(winner.Item1)], (await AuditAsync(campaign.Id)).Select(e => e.Action));
    }

    [Fact]
    public async Task Should_leave_the_review_undecided_when_the_organisers_withdrew_the_campaign_before_the_decision()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        await MoveAsync(campaign.Id, CampaignState.InReview);
        await MoveAsync(campaign.Id, CampaignState.Withdrawn);

        Assert.Equal(MoveRefusal.NoLongerInReview, (await DecideAsync(await WaitingReviewAsync(campaign.Id), ReviewDecision.Approved)).Refusal);

        Assert.Null(await Database.WithDbAsync(db => db.CampaignReviews.Select(r => r.Decision).SingleAsync()));
        Assert.Equal(CampaignState.Withdrawn, (await StoredAsync(campaign.Id)).State);
    }

    [Fact]
    public async Task Should_apply_a_proposed_change_to_the_asks_only_once_a_moderator_approves_it()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake");
        Assert.True((await SaveAsync(campaign.Id, demands: "Cancel the contract\nSell the stake")).ChangeProposed);
        Assert.Equal(["Cancel the contract", "Publish the impact assessment"], (await StoredAsync(campaign.Id)).Demands);
        var another = await SaveAsync(campaign.Id, demands: "Something else entirely");
        Assert.Equal(nameof(CampaignInput.Demands), Assert.Single(another.Problems.Keys));

        Assert.Equal(MoveOutcome.Moved, (await DecideAsync(await WaitingReviewAsync(campaign.Id), ReviewDecision.Rejected, "Selling is not the ask.")).Outcome);
        Assert.Equal("Publish the impact assessment", (await StoredAsync(campaign.Id)).Demands[^1]);
        await SaveAsync(campaign.Id, demands: "Cancel the contract\nDivest from the company");
        var approvedAt = Later(TimeSpan.FromHours(1));
        Assert.Equal(MoveOutcome.Moved, (await DecideAsync(await WaitingReviewAsync(campaign.Id), ReviewDecision.Approved)).Outcome);

        var stored = await StoredAsync(campaign.Id);
        Assert.Equal((CampaignState.Open, "Divest from the company", approvedAt), (stored.State, stored.Demands[^1], stored.UpdatedAt));
        Assert.Equal(
            [
                (AuditAction.ChangeProposed, StaffIdOf(Organiser), null), (AuditAction.ChangeRejected, StaffIdOf(Moderator), "Selling is not the ask."),
                (AuditAction.ChangeProposed, StaffIdOf(Organiser), null), (AuditAction.ChangeApproved, StaffIdOf(Moderator), null),
            ],
            await AuditAsync(campaign.Id));
    }

    [Fact]
    public async Task Should_create_a_draft_with_its_first_organiser_and_refuse_an_address_in_use()
    {
        await Database.AddCampaignAsync("drop-the-stake");
        var taken = await CreateDraftAsync(Form("drop-the-stake"));
        Assert.Equal((MoveOutcome.Invalid, "Another campaign already uses this address."), (taken.Result.Outcome, taken.Result.Problems[nameof(CampaignInput.Slug)]));
        Assert.Null(taken.Draft);

        var createdAt = Later(TimeSpan.FromMinutes(1));
        var (result, draft) = await CreateDraftAsync(Form("a-new-campaign"));

        Assert.Equal(MoveOutcome.Moved, result.Outcome);
        var stored = await StoredAsync(draft!.Id);
        Assert.Equal((CampaignState.Draft, "a-new-campaign", createdAt, createdAt), (stored.State, stored.Slug, stored.CreatedAt, stored.UpdatedAt));
        Assert.Equal(["Cancel the contract", "Publish the impact assessment"], stored.Demands);
        var member = await Database.WithDbAsync(db => db.CampaignMembers.SingleAsync(m => m.CampaignId == draft.Id));
        Assert.Equal((StaffIdOf(Organiser), StaffRoles.Organiser), ((int?)member.StaffUserId, member.Role));
        Assert.Equal([(AuditAction.CampaignCreated, StaffIdOf(Organiser), null)], await AuditAsync(draft.Id));
    }

    [Fact]
    public async Task Should_let_an_unpublished_campaign_change_everything_but_not_while_it_waits_for_review()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Draft);
        var editedAt = Later(TimeSpan.FromHours(1));

        Assert.Equal(MoveOutcome.Moved, (await SaveAsync(campaign.Id, demands: "Sell the stake", slug: "sell-the-stake", commentMode: Countersign.Comments.CommentMode.PreModerated)).Outcome);
        var stored = await StoredAsync(campaign.Id);
        Assert.Equal(("sell-the-stake", "Sell the stake", Countersign.Comments.CommentMode.PreModerated, editedAt), (stored.Slug, Assert.Single(stored.Demands), stored.CommentMode, stored.UpdatedAt));
        Assert.Equal(
            [(AuditAction.CampaignEdited, StaffIdOf(Organiser), null), (AuditAction.CommentModeChanged, StaffIdOf(Organiser), "Comments: off → pre-moderated")],
            await AuditAsync(campaign.Id));

        await MoveAsync(campaign.Id, CampaignState.InReview);
        Assert.Equal(MoveRefusal.WaitingForReview, (await SaveAsync(campaign.Id, demands: "A demand written during review")).Refusal);
        Assert.Equal("Sell the stake", Assert.Single((await StoredAsync(campaign.Id)).Demands));
    }

    [Fact]
    public async Task Should_keep_a_published_campaign_s_address_and_mend_its_wording_only_with_a_reason()
    {
        var campaign = await Database.AddCampaignAsync("drop-the-stake");

        var refused = await SaveAsync(campaign.Id, body: "Fixed a typo.", slug: "a-new-address");
        Assert.Equal([nameof(CampaignInput.ChangeReason), nameof(CampaignInput.Slug)], refused.Problems.Keys.Order());
        var mendedAt = Later(TimeSpan.FromHours(1));
        var mended = await SaveAsync(campaign.Id, body: "Fixed a typo.", reason: " Typo in the first line ", goal: "5000");

        Assert.Equal((MoveOutcome.Moved, false), (mended.Outcome, mended.ChangeProposed));
        var stored = await StoredAsync(campaign.Id);
        Assert.Equal(("drop-the-stake", "Fixed a typo.", 5000, mendedAt), (stored.Slug, stored.BodyMarkdown, stored.Goal, stored.UpdatedAt));
        var deadline = campaign.Deadline!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(
            [
                (AuditAction.CampaignEdited, StaffIdOf(Organiser), "Wording: Typo in the first line"),
                (AuditAction.CampaignEdited, StaffIdOf(Organiser), $"Goal 5000, deadline {deadline}, milestones "),
            ],
            await AuditAsync(campaign.Id));

        // Closed, it keeps what its signers signed.
        await MoveAsync(campaign.Id, CampaignState.Closed);
        var closedEdit = await SaveAsync(campaign.Id, demands: "One last demand", body: "Fixed a typo.");
        Assert.Equal(nameof(CampaignInput.Demands), Assert.Single(closedEdit.Problems.Keys));
    }

    [Fact]
    public async Task Should_save_a_draft_s_open_letter_and_change_a_published_one_only_once_a_moderator_approves()
    {
        var draft = await Database.AddCampaignAsync("a-letter-draft", CampaignState.Draft);
        var letter = ("The programme committee", "We, the undersigned organisations, ask you to drop the sponsor.", "Drop the sponsor\r\nPublish the contract");

        Assert.Equal(MoveOutcome.Moved, (await SaveAsync(draft.Id, letter: letter)).Outcome);
        var saved = await StoredAsync(draft.Id);
        Assert.Equal(("The programme committee", "We, the undersigned organisations, ask you to drop the sponsor."), (saved.LetterAddressees, saved.LetterMarkdown));
        Assert.Equal(["Drop the sponsor", "Publish the contract"], saved.LetterCalls);

        var open = await Database.AddCampaignAsync("drop-the-stake");
        var proposed = await SaveAsync(open.Id, letter: letter);
        Assert.Equal((MoveOutcome.Moved, true), (proposed.Outcome, proposed.ChangeProposed));
        Assert.False((await StoredAsync(open.Id)).HasLetter);

        // A second change to the letter alone waits for the first, and is answered beside the letter.
        var another = await SaveAsync(open.Id, letter: ("The programme committee", "Another wording.", ""));
        Assert.Equal(
            (nameof(CampaignInput.Letter), "A change to the demands, targets, hosts or open letter is already waiting for review. Wait for the moderators' decision before proposing another."),
            OnlyProblem(another));

        Assert.Equal(MoveOutcome.Moved, (await DecideAsync(await WaitingReviewAsync(open.Id), ReviewDecision.Approved)).Outcome);
        var approved = await StoredAsync(open.Id);
        Assert.Equal(("The programme committee", "We, the undersigned organisations, ask you to drop the sponsor."), (approved.LetterAddressees, approved.LetterMarkdown));
        Assert.Equal(["Drop the sponsor", "Publish the contract"], approved.LetterCalls);
        Assert.Equal(["Cancel the contract", "Publish the impact assessment"], approved.Demands);

        // Closed, its letter stays as its signatories signed it.
        await MoveAsync(open.Id, CampaignState.Closed);
        var closedEdit = await SaveAsync(open.Id, letter: ("The programme committee", "A last-minute wording.", ""));
        Assert.Equal(
            (nameof(CampaignInput.Letter), "This campaign no longer takes signatures: its demands, targets, hosts and open letter stay as its signers signed them."),
            OnlyProblem(closedEdit));
        Assert.Equal("We, the undersigned organisations, ask you to drop the sponsor.", (await StoredAsync(open.Id)).LetterMarkdown);
    }

    [Fact]
    public async Task Should_withdraw_a_campaign_its_organisers_left_as_the_moderators_sent_it_back()
    {
        var left = await Database.AddCampaignAsync("drop-the-stake", CampaignState.Sponsoring);
        var mended = await Database.AddCampaignAsync("still-mending", CampaignState.Sponsoring);
        var neverSponsored = await Database.AddCampaignAsync("no-supporters", CampaignState.Rejected);
        foreach (var campaign in new[] { left, mended })
        {
            await Database.WithDbAsync(async db =>
            {
                var stored = await db.Campaigns.SingleAsync(c => c.Id == campaign.Id);
                stored.MoveTo(CampaignState.InReview, Database.Clock.GetUtcNow().UtcDateTime);
                stored.Reject("Name the fund.", Database.Clock.GetUtcNow().UtcDateTime);
                await db.SaveChangesAsync();
            });
        }

        var sentBackAt = Database.Clock.GetUtcNow().UtcDateTime;
        Database.Clock.Advance(TimeSpan.FromDays(150));
        await SaveAsync(mended.Id, demands: "Cancel the contract\nPublish the M12 fund's impact assessment");
        var withdrawnAt = Later(TimeSpan.FromDays(40));

        var withdrawn = await WithLifecycleAsync(lifecycle => lifecycle.WithdrawLeftRejectedAsync(withdrawnAt.AddDays(-180), CancellationToken.None));

        Assert.Equal(left.Id, Assert.Single(withdrawn).Id);
        var stored = await StoredAsync(left.Id);
        Assert.Equal((CampaignState.Withdrawn, withdrawnAt, withdrawnAt), (stored.State, stored.ClosedAt, stored.UpdatedAt));
        Assert.Equal(
            (AuditAction.CampaignWithdrawn, null, $"Left as the moderators sent it back since {sentBackAt:yyyy-MM-dd}: its supporters' personal data is erased"),
            (await AuditAsync(left.Id))[^1]);
        Assert.Equal(CampaignState.Rejected, (await StoredAsync(mended.Id)).State);
        Assert.Equal(CampaignState.Rejected, (await StoredAsync(neverSponsored.Id)).State);
    }

    private static (string Field, string Message) OnlyProblem(CampaignMoveResult result)
    {
        var problem = Assert.Single(result.Problems);
        return (problem.Key, problem.Value);
    }

    private DateTime Later(TimeSpan by)
    {
        Database.Clock.Advance(by);
        return Database.Clock.GetUtcNow().UtcDateTime;
    }

    private async Task<T> WithLifecycleAsync<T>(Func<CampaignLifecycle, Task<T>> work)
    {
        await using var scope = Database.Scope();
        return await work(scope.ServiceProvider.GetRequiredService<CampaignLifecycle>());
    }

    private Task<CampaignMoveResult> MoveAsync(int campaignId, string to) =>
        WithLifecycleAsync(async lifecycle => await lifecycle.MoveAsync((await lifecycle.FindAsync(campaignId, CancellationToken.None))!, to, Organiser, CancellationToken.None));

    private Task<CampaignMoveResult> RecordOutcomeAsync(int campaignId, OutcomeInput input) =>
        WithLifecycleAsync(async lifecycle => await lifecycle.RecordOutcomeAsync((await lifecycle.FindAsync(campaignId, CancellationToken.None))!, input, Organiser, CancellationToken.None));

    private Task<CampaignMoveResult> DecideAsync(long reviewId, string decision, string? reason = null) =>
        WithLifecycleAsync(async lifecycle => await lifecycle.DecideAsync((await lifecycle.FindReviewAsync(reviewId, CancellationToken.None))!, decision, reason, Moderator, CancellationToken.None));

    private Task<(CampaignMoveResult Result, Campaign? Draft)> CreateDraftAsync(CampaignInput input) =>
        WithLifecycleAsync(lifecycle => lifecycle.CreateDraftAsync(input, Organiser, CancellationToken.None));

    /// <summary>Saves the campaign form with the stored campaign's own values except those given, as the edit page posts it.</summary>
    private async Task<CampaignMoveResult> SaveAsync(int campaignId, string? demands = null, string? body = null, string? slug = null, string? reason = null,
        string? goal = null, string? commentMode = null, (string Addressees, string Text, string Calls)? letter = null)
    {
        var input = CampaignInput.From(await StoredAsync(campaignId));
        if (letter is var (addressees, text, calls))
        {
            (input.LetterAddressees, input.Letter, input.LetterCalls) = (addressees, text, calls);
        }

        input.Demands = demands ?? input.Demands;
        input.Body = body ?? input.Body;
        input.Slug = slug ?? input.Slug;
        input.ChangeReason = reason;
        input.Goal = goal ?? input.Goal;
        input.CommentMode = commentMode ?? input.CommentMode;
        Assert.Empty(input.Validate());
        return await WithLifecycleAsync(async lifecycle => await lifecycle.SaveAsync((await lifecycle.FindAsync(campaignId, CancellationToken.None))!, input, Organiser, CancellationToken.None));
    }

    private CampaignInput Form(string slug) => CampaignInput.From(TestCampaigns.Make(Database.Clock.GetUtcNow().UtcDateTime, slug, CampaignState.Draft));

    private async Task<Campaign> StoredAsync(int campaignId) =>
        await Database.WithDbAsync(db => db.Campaigns.AsNoTracking().Include(c => c.Hosts).SingleAsync(c => c.Id == campaignId));

    private async Task<long> WaitingReviewAsync(int campaignId) =>
        await Database.WithDbAsync(db => db.CampaignReviews.Where(r => r.CampaignId == campaignId && r.Decision == null).Select(r => r.Id).SingleAsync());

    private async Task<List<(string Action, int? StaffUserId, string? Details)>> AuditAsync(int campaignId) =>
        (await Database.WithDbAsync(db => db.AuditEntries.Where(e => e.CampaignId == campaignId).OrderBy(e => e.Id).ToListAsync()))
            .Select(e => (e.Action, e.StaffUserId, e.Details)).ToList();

    private Task SetSignatureCountAsync(int campaignId, int count) =>
        Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaignId).ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, count)));

    private static int? StaffIdOf(ClaimsPrincipal staff) => AuditLog.StaffIdOf(staff);

}

public sealed class CampaignLifecycleOnSqlite() : CampaignLifecycleTests(DatabaseProvider.Sqlite);

public sealed class CampaignLifecycleOnPostgres() : CampaignLifecycleTests(DatabaseProvider.Postgres);
