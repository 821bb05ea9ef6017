using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Security.Claims;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Countersign.Campaigns;

/// <summary>
/// Every move a campaign makes, by its organisers, its moderators or Countersign itself, end to end: the
/// campaign's own method (which refuses an illegal move and stamps <see cref="Campaign.UpdatedAt"/>), the review
/// row, the audit entry, the save and forgetting the cached public page. A campaign's state is a concurrency
/// token: a move made by hand while someone else moved the campaign is refused (they reload and decide again);
/// Countersign's own moves are made again from what is stored.
/// </summary>
public sealed class CampaignLifecycle(
    CountersignDb db,
    CampaignCache cache,
    IOptions<CampaignOptions> options,
    IOptions<RetentionOptions> retention,
    Letters.LetterRevisions letters,
    TimeProvider clock)
{
    /// <summary>The moves organisers make; approving and rejecting are the moderators', from the review queue.</summary>
    public static readonly IReadOnlyList<string> OrganiserMoves = [CampaignState.InReview, CampaignState.Closed, CampaignState.Delivered, CampaignState.Withdrawn];

    /// <summary>
    /// The organisers' moves that nothing undoes: <see cref="CampaignState"/> has no move back from closed, delivered or
    /// withdrawn. Each is made only once confirmed on a page that says what follows (<see cref="ConsequencesAsync"/>).
    /// </summary>
    public static readonly IReadOnlyList<string> ConfirmedMoves = [CampaignState.Closed, CampaignState.Delivered, CampaignState.Withdrawn];

    public static bool NeedsConfirmation(string? to) => to is not null && ConfirmedMoves.Contains(to);

    /// <summary>The buttons organisers see: a campaign gathering supporting signatures moves to review by itself, not by a button.</summary>
    public static IReadOnlyList<string> OrganiserMovesFrom(string state) =>
        CampaignState.NextFrom(state).Where(OrganiserMoves.Contains).Where(to => !(state == CampaignState.Sponsoring && to == CampaignState.InReview)).ToList();

    /// <summary>Confirmed signatures a campaign needs from its sponsor link before review; 0 when the site does not ask for them.</summary>
    public int SponsorsNeeded => options.Value.SponsorSignatures;

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    /// <summary>The campaign with its hosts, and the last change to its asks proposed, for its organisers' page and moves.</summary>
    public async Task<CampaignWithChange?> FindAsync(int campaignId, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.Include(c => c.Hosts).Include(c => c.Image).FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        var lastChange = await db.CampaignReviews.Where(r => r.CampaignId == campaignId && r.Kind == ReviewKind.Change)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        return new CampaignWithChange(campaign, lastChange);
    }

    /// <summary>The review with its campaign (and hosts, which an approved change rewrites), for the decision page.</summary>
    public async Task<ReviewedCampaign?> FindReviewAsync(long reviewId, CancellationToken cancellationToken)
    {
        var review = await db.CampaignReviews.FirstOrDefaultAsync(r => r.Id == reviewId, cancellationToken);
        var campaign = review is null ? null : await db.Campaigns.Include(c => c.Hosts).FirstOrDefaultAsync(c => c.Id == review.CampaignId, cancellationToken);
        return review is null || campaign is null ? null : new ReviewedCampaign(review, campaign);
    }

    /// <summary>
    /// Organisers send the campaign for review (to its supporters first when the site asks for supporting
    /// signatures), close it, mark it delivered or withdraw it. A change to its asks still waiting is dropped once
    /// it no longer takes signatures: a closed campaign keeps what its signers signed.
    /// </summary>
    public async Task<CampaignMoveResult> MoveAsync(CampaignWithChange found, string? to, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        var campaign = found.Campaign;
        if (!Allows(campaign, to, out var refusal))
        {
            return refusal;
        }

        var now = Now;
        if (to == CampaignState.InReview)
        {
            // With supporting signatures asked for, "send for review" sends it to its supporters first.
            campaign.SubmitForReview(now, SponsorsNeeded);
        }
        else
        {
            campaign.MoveTo(to, now);
        }

        if (campaign.State == CampaignState.InReview)
        {
            db.CampaignReviews.Add(CampaignReview.ForLaunch(campaign, now, AuditLog.StaffIdOf(by)));
        }

        if (!campaign.AcceptsSignatures)
        {
            found.PendingChange?.Drop(now);
        }

        db.Record(by, AuditAction.ForMoveTo(campaign.State), campaign.Id, now,
            campaign.State == CampaignState.Sponsoring ? $"Needs {SponsorsNeeded} supporting signatures, has {campaign.SignatureCount}" : null);
        return await SaveAsync(campaign, cancellationToken);
    }

    /// <summary>
    /// What an organisers' move would do to the campaign as it stands now, for the page where they confirm it, or
    /// why it cannot be made now (already made, perhaps by someone else a moment ago, or not from this state).
    /// </summary>
    public async Task<(CampaignMoveResult Check, MoveConsequences? Consequences)> ConsequencesAsync(CampaignWithChange found, string? to, CancellationToken cancellationToken)
    {
        var campaign = found.Campaign;
        if (!Allows(campaign, to, out var refusal))
        {
            return (refusal, null);
        }

        // None of the confirmed moves ends in a state that takes confirmation links: people still to confirm are left out.
        var unconfirmed = campaign.AcceptsConfirmations
            ? await db.Signatures.CountAsync(s => s.CampaignId == campaign.Id && s.State == SignatureState.Pending, cancellationToken)
            : 0;

        // The retention clock runs from delivery, or from closing when the campaign is never delivered (RetentionJob);
        // a campaign withdrawn before anyone could sign it holds no signer's data.
        var holdsSignersData = campaign.PersonalDataErasedAt is null && (campaign.OpenedAt is not null || campaign.SponsorToken is not null);
        return (CampaignMoveResult.Moved, new MoveConsequences(
            to,
            StopsSignatures: campaign.AcceptsSignatures || campaign.State == CampaignState.Sponsoring,
            campaign.SignatureCount,
            unconfirmed,
            ClosesComments: campaign.TakesComments,
            DropsPendingChange: found.PendingChange is not null,
            StaysPublic: campaign.OpenedAt is not null,
            ErasedAfterMonths: holdsSignersData ? retention.Value.EndedCampaignMonths : null));
    }

    /// <summary>Whether organisers may make the move from where the campaign stands; if not, <paramref name="refusal"/> says why.</summary>
    private static bool Allows(Campaign campaign, [NotNullWhen(true)] string? to, out CampaignMoveResult refusal)
    {
        refusal = CampaignMoveResult.NotAllowed(
            to is null || !OrganiserMoves.Contains(to) ? MoveRefusal.NotAnOrganiserMove

            // A confirmation sent twice, or after someone else made the same move: nothing more to do, and it says so.
            : campaign.State == to ? MoveRefusal.AlreadyDone
            : to == CampaignState.InReview && campaign.State == CampaignState.Sponsoring ? MoveRefusal.WaitsForSponsors
            : !CampaignState.CanMove(campaign.State, to) ? MoveRefusal.NotFromThisState
            : MoveRefusal.None);
        return refusal.Refusal == MoveRefusal.None;
    }

    /// <summary>Organisers record what came of a published campaign, dated between its launch and today.</summary>
    public async Task<CampaignMoveResult> RecordOutcomeAsync(CampaignWithChange found, OutcomeInput input, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        var campaign = found.Campaign;
        if (campaign.OpenedAt is null)
        {
            return CampaignMoveResult.NotAllowed(MoveRefusal.NotPublished);
        }

        var now = Now;
        if (input.Validate(CampaignHistory.FirstDay(campaign)!.Value, CampaignHistory.LastDay(now)) is { Count: > 0 } problems)
        {
            return CampaignMoveResult.Invalid(problems);
        }

        campaign.RecordOutcome(input.Outcome!, input.ParsedOn(), input.Text, now);
        db.Record(by, AuditAction.OutcomeRecorded, campaign.Id, now, campaign.Outcome);
        return await SaveAsync(campaign, cancellationToken);
    }

    /// <summary>
    /// A new draft from the campaign form (already checked field by field), with its first organiser: whoever
    /// drafts a campaign organises it, until they add others. Returns the draft, or null with the problems.
    /// </summary>
    public async Task<(CampaignMoveResult Result, Campaign? Draft)> CreateDraftAsync(CampaignInput input, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (await SlugProblemAsync(input, campaignId: 0, cancellationToken) is { } problem)
        {
            return (problem, null);
        }

        var now = Now;
        var draft = Campaign.Draft(input.Slug!, input.ToContent(), input.ParsedMilestones()!, input.CommentMode ?? Comments.CommentMode.Off, now);
        db.Campaigns.Add(draft);
        await db.SaveChangesAsync(cancellationToken);
        if (AuditLog.StaffIdOf(by) is { } creator)
        {
            db.CampaignMembers.Add(new CampaignMember { CampaignId = draft.Id, StaffUserId = creator, Role = StaffRoles.Organiser, AddedAt = now, AddedBy = creator });
        }

        db.Record(by, AuditAction.CampaignCreated, draft.Id, now);
        return (await SaveAsync(draft, cancellationToken), draft);
    }

    /// <summary>
    /// Saves the campaign form (already checked field by field). A draft or a rejected campaign may change
    /// everything; one waiting for review or for its supporters nothing; a published one follows <see cref="PublishedEditProblems"/>.
    /// </summary>
    public async Task<CampaignMoveResult> SaveAsync(CampaignWithChange found, CampaignInput input, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        var campaign = found.Campaign;
        if (await SlugProblemAsync(input, campaign.Id, cancellationToken) is { } problem)
        {
            return problem;
        }

        if (EditRefusal(campaign) is not MoveRefusal.None and var locked)
        {
            return CampaignMoveResult.NotAllowed(locked);
        }

        var now = Now;
        input.KeepLetterIfAbsent(campaign);
        var proposed = input.ToContent();
        if (campaign.OpenedAt is null)
        {
            campaign.Edit(input.Slug!, proposed, input.ParsedMilestones()!, now);
            db.Record(by, AuditAction.CampaignEdited, campaign.Id, now);
            RecordHostsThatLeft(campaign, by, now);
            SwitchComments(campaign, input.CommentMode, by, now);
            return await SaveAsync(campaign, cancellationToken);
        }

        var current = CampaignContent.Of(campaign);
        var asksDifferently = proposed.AsksDifferentlyFrom(current);
        var readsDifferently = proposed.ReadsDifferentlyFrom(current);
        if (PublishedEditProblems(found, input, proposed, current, asksDifferently, readsDifferently) is { Count: > 0 } problems)
        {
            return CampaignMoveResult.Invalid(problems);
        }

        EditPublished(campaign, input, proposed, current, asksDifferently, readsDifferently, by, now);
        var saved = await SaveAsync(campaign, cancellationToken);
        return saved.Outcome == MoveOutcome.Moved ? saved with { ChangeProposed = asksDifferently } : saved;
    }

    /// <summary>
    /// Why the campaign's page (its text, its header image) cannot change now, or <see cref="MoveRefusal.None"/>: the
    /// moderators decide on the page they read, and supporters sign the page they read, so it changes only once a
    /// moderator has sent it back or opened it.
    /// </summary>
    public static MoveRefusal EditRefusal(Campaign campaign) => campaign.State switch
    {
        CampaignState.InReview => MoveRefusal.WaitingForReview,
        CampaignState.Sponsoring => MoveRefusal.GatheringSponsors,
        _ => MoveRefusal.None,
    };

    /// <summary>
    /// A published campaign keeps its address (links to it are out there) and the asks its signers
    /// signed: a change to those goes to the moderators, and only while it still takes signatures.
    /// Its wording may be mended, with a reason kept in the audit log.
    /// </summary>
    private static Dictionary<string, string> PublishedEditProblems(CampaignWithChange found, CampaignInput input, CampaignContent proposed, CampaignContent current,
        bool asksDifferently, bool readsDifferently)
    {
        var campaign = found.Campaign;
        var problems = new Dictionary<string, string>();
        if (input.Slug != campaign.Slug)
        {
            problems[nameof(CampaignInput.Slug)] = "The address of a published campaign cannot change: links to it have been shared.";
        }

        // A change to the open letter alone is answered beside the letter, where the organiser made it.
        var asks = proposed.Demands.SequenceEqual(current.Demands) && proposed.Targets.SequenceEqual(current.Targets) && proposed.Hosts.SequenceEqual(current.Hosts)
            ? nameof(CampaignInput.Letter)
            : nameof(CampaignInput.Demands);
        if (asksDifferently && !campaign.AcceptsSignatures)
        {
            problems[asks] = "This campaign no longer takes signatures: its demands, targets, hosts and open letter stay as its signers signed them.";
        }
        else if (asksDifferently && found.PendingChange is not null)
        {
            problems[asks] = "A change to the demands, targets, hosts or open letter is already waiting for review. Wait for the moderators' decision before proposing another.";
        }

        if (readsDifferently && string.IsNullOrWhiteSpace(input.ChangeReason))
        {
            problems[nameof(CampaignInput.ChangeReason)] = "Say why the published text changes (for example: a typo, a broken link). The reason is kept in the audit log.";
        }

        return problems;
    }

    /// <summary>Applies the wording and settings of a published campaign (<paramref name="current"/> before the edit), and proposes its change to the asks.</summary>
    private void EditPublished(Campaign campaign, CampaignInput input, CampaignContent proposed, CampaignContent current, bool asksDifferently, bool readsDifferently,
        ClaimsPrincipal by, DateTime now)
    {
        var milestones = input.ParsedMilestones()!;
        var settingsChange = proposed.Goal != current.Goal || proposed.Deadline != current.Deadline || !milestones.SequenceEqual(campaign.Milestones);
        campaign.EditPublished(proposed, milestones, now);
        if (readsDifferently)
        {
            db.Record(by, AuditAction.CampaignEdited, campaign.Id, now, "Wording: " + input.ChangeReason!.Trim());
        }

        if (settingsChange)
        {
            db.Record(by, AuditAction.CampaignEdited, campaign.Id, now, string.Create(CultureInfo.InvariantCulture,
                $"Goal {proposed.Goal}, deadline {proposed.Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}, milestones {string.Join(", ", milestones)}"));
        }

        if (proposed.Language != current.Language)
        {
            db.Record(by, AuditAction.CampaignEdited, campaign.Id, now, $"Language: {current.Language} → {proposed.Language}");
        }

        SwitchComments(campaign, input.CommentMode, by, now);
        if (asksDifferently)
        {
            // The proposal carries the wording as saved now, so the moderators read the whole page they approve.
            var proposal = proposed with { Title = campaign.Title, Summary = campaign.Summary, Body = campaign.BodyMarkdown, Goal = campaign.Goal, Deadline = campaign.Deadline };
            db.CampaignReviews.Add(CampaignReview.ForChange(campaign, proposal, now, AuditLog.StaffIdOf(by)));
            db.Record(by, AuditAction.ChangeProposed, campaign.Id, now);
        }
    }

    /// <summary>
    /// Comments are a setting, like the goal: they change nothing a signer signed, so they apply at
    /// once, on a published campaign too, with their own audit entry.
    /// </summary>
    private void SwitchComments(Campaign campaign, string? mode, ClaimsPrincipal by, DateTime now)
    {
        if (mode is null || mode == campaign.CommentMode)
        {
            return;
        }

        db.Record(by, AuditAction.CommentModeChanged, campaign.Id, now, $"Comments: {campaign.CommentMode} → {mode}");
        campaign.SwitchComments(mode, now);
    }

    private async Task<CampaignMoveResult?> SlugProblemAsync(CampaignInput input, int campaignId, CancellationToken cancellationToken) =>
        await db.Campaigns.AnyAsync(c => c.Slug == input.Slug && c.Id != campaignId, cancellationToken)
            ? CampaignMoveResult.Invalid(new Dictionary<string, string> { [nameof(CampaignInput.Slug)] = "Another campaign already uses this address." })
            : null;

    /// <summary>
    /// A moderator approves or rejects a launch (the campaign opens, or goes back to its organisers with the
    /// reason) or a proposed change to the asks. A decision is taken once: the review row is claimed with a
    /// conditional update, so two moderators deciding at the same moment cannot both succeed.
    /// </summary>
    public async Task<CampaignMoveResult> DecideAsync(ReviewedCampaign found, string decision, string? reason, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        var (review, campaign) = found;
        if (decision == ReviewDecision.Rejected && RejectionProblem(reason) is { } problem)
        {
            return CampaignMoveResult.Invalid(new Dictionary<string, string> { ["Reason"] = problem });
        }

        var now = Now;
        reason = decision == ReviewDecision.Rejected ? reason!.Trim() : null;
        var staffId = AuditLog.StaffIdOf(by);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var claimed = await db.CampaignReviews.Where(r => r.Id == review.Id && r.Decision == null).ExecuteUpdateAsync(r => r
            .SetProperty(x => x.Decision, decision)
            .SetProperty(x => x.Reason, reason)
            .SetProperty(x => x.DecidedAt, now)
            .SetProperty(x => x.DecidedBy, staffId), cancellationToken);
        if (claimed == 0)
        {
            return CampaignMoveResult.NotAllowed(MoveRefusal.AlreadyDecided);
        }

        if (review.Kind == ReviewKind.Launch)
        {
            var moveTo = decision == ReviewDecision.Approved ? CampaignState.Open : CampaignState.Rejected;
            if (!CampaignState.CanMove(campaign.State, moveTo))
            {
                return CampaignMoveResult.NotAllowed(MoveRefusal.NoLongerInReview);
            }

            campaign.MoveTo(moveTo, now, reason);
            db.Record(by, AuditAction.ForMoveTo(moveTo), campaign.Id, now, reason);
        }
        else
        {
            var letterBefore = CampaignContent.Of(campaign);
            campaign.DecideChange(review.Submitted, approved: decision == ReviewDecision.Approved, now);
            db.Record(by, decision == ReviewDecision.Approved ? AuditAction.ChangeApproved : AuditAction.ChangeRejected, campaign.Id, now, reason);
            RecordHostsThatLeft(campaign, by, now);

            // Organisations that signed the letter stay on the words they signed, and hear that the words changed.
            if (Letters.LetterRevisions.Changed(letterBefore, CampaignContent.Of(campaign)))
            {
                await letters.TellSignatoriesAsync(campaign, cancellationToken);
            }
        }

        return await SaveAsync(campaign, cancellationToken, transaction);
    }

    /// <summary>
    /// Hosts whose lines the change took out left the coalition just now (<see cref="CampaignContent.ApplyAsksTo"/>): each
    /// leaving is in the log as when a partner leaves from its own page.
    /// </summary>
    private void RecordHostsThatLeft(Campaign campaign, ClaimsPrincipal by, DateTime now)
    {
        foreach (var host in campaign.Hosts.Where(h => h.LeftAt == now))
        {
            db.Record(by, AuditAction.PartnerLeft, campaign.Id, now, host.Name);
        }
    }

    private static string? RejectionProblem(string? reason) =>
        string.IsNullOrWhiteSpace(reason) ? "Tell the organisers what to change: they will read this reason."
        : reason.Trim().Length > CampaignState.ReasonMaxLength ? "This text is too long."
        : null;

    /// <summary>
    /// Countersign sends the campaign (or, without one, every campaign) that gathers supporting signatures and has
    /// enough of them to review, with a launch review in the queue; returns the campaigns moved.
    /// </summary>
    public async Task<IReadOnlyList<Campaign>> EndSponsoringAsync(int? campaignId, CancellationToken cancellationToken)
    {
        var needed = SponsorsNeeded;
        return await SaveAutomaticMovesAsync(async now =>
        {
            var supported = await db.Campaigns.Include(c => c.Hosts)
                .Where(c => c.State == CampaignState.Sponsoring && c.SignatureCount >= needed && (campaignId == null || c.Id == campaignId))
                .ToListAsync(cancellationToken);
            foreach (var campaign in supported)
            {
                campaign.EndSponsoring(now, needed);

                // The queue names whoever sent the campaign to its supporters as its submitter.
                var submitter = await db.AuditEntries.Where(e => e.CampaignId == campaign.Id && e.Action == AuditAction.CampaignSentToSponsors)
                    .OrderByDescending(e => e.Id).Select(e => e.StaffUserId).FirstOrDefaultAsync(cancellationToken);
                db.CampaignReviews.Add(CampaignReview.ForLaunch(campaign, now, submitter));
                db.Record(staff: null, AuditAction.CampaignSubmitted, campaign.Id, now, $"{campaign.SignatureCount} supporting signatures of {needed} needed");
            }

            return supported;
        }, cancellationToken);
    }

    /// <summary>Closes every open campaign whose deadline day is over (UTC); returns the campaigns closed.</summary>
    public async Task<IReadOnlyList<Campaign>> CloseAtDeadlineAsync(CancellationToken cancellationToken) =>
        await SaveAutomaticMovesAsync(async now =>
        {
            var today = DateOnly.FromDateTime(now);
            var passed = await db.Campaigns.Where(c => c.State == CampaignState.Open && c.Deadline < today).ToListAsync(cancellationToken);
            foreach (var campaign in passed)
            {
                campaign.Close(now);
                db.Record(staff: null, AuditAction.CampaignClosed, campaign.Id, now, "Deadline passed");
            }

            return passed;
        }, cancellationToken);

    /// <summary>
    /// A campaign the moderators sent back after it had gathered supporting signatures, and that its organisers then
    /// left untouched since <paramref name="leftBefore"/>, has taken no signatures all that time and is not coming
    /// back: Countersign withdraws it, so its supporters' data goes like any ended campaign's, and the organisers see
    /// in the audit log why. Returns the campaigns withdrawn; none when an organiser sent one again (or withdrew it)
    /// meanwhile, and the next pass looks again.
    /// </summary>
    public async Task<IReadOnlyList<Campaign>> WithdrawLeftRejectedAsync(DateTime leftBefore, CancellationToken cancellationToken)
    {
        var now = Now;
        var left = await db.Campaigns
            .Where(c => c.State == CampaignState.Rejected && c.SponsorToken != null && c.UpdatedAt < leftBefore)
            .ToListAsync(cancellationToken);
        foreach (var campaign in left)
        {
            db.Record(staff: null, AuditAction.CampaignWithdrawn, campaign.Id, now,
                $"Left as the moderators sent it back since {campaign.UpdatedAt:yyyy-MM-dd}: its supporters' personal data is erased");
            campaign.Withdraw(now);
        }

        if (left.Count == 0)
        {
            return left;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return [];
        }

        Forget(left);
        return left;
    }

    /// <summary>Saves a move made by hand; when someone else moved the campaign meanwhile, nothing is saved and the result says so.</summary>
    private async Task<CampaignMoveResult> SaveAsync(Campaign campaign, CancellationToken cancellationToken, IDbContextTransaction? transaction = null)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return CampaignMoveResult.Conflict;
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        Forget([campaign]);
        return CampaignMoveResult.Moved;
    }

    /// <summary>
    /// Finds and moves the campaigns (<paramref name="makeMoves"/>), then saves. When one moved meanwhile (an organiser
    /// withdrawing it, a supporter's confirmation, another server's pass), the moves are made again from what is
    /// stored now, up to three times in all. Returns the campaigns moved.
    /// </summary>
    private async Task<IReadOnlyList<Campaign>> SaveAutomaticMovesAsync(Func<DateTime, Task<List<Campaign>>> makeMoves, CancellationToken cancellationToken)
    {
        var now = Now;
        for (var attempt = 1; ; attempt++)
        {
            var moved = await makeMoves(now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                Forget(moved);
                return moved;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    /// <summary>This server's copy of each moved campaign's page goes at once; other servers' within <see cref="CampaignCache.Lifetime"/>.</summary>
    private void Forget(IEnumerable<Campaign> moved)
    {
        foreach (var campaign in moved)
        {
            cache.Forget(campaign.Slug);
        }
    }
}

/// <summary>A campaign as its organisers' page and moves need it: with the last change to its asks proposed, if any.</summary>
public sealed record CampaignWithChange(Campaign Campaign, CampaignReview? LastChange)
{
    /// <summary>A change to the demands, targets or hosts waiting for the moderators, if any.</summary>
    public CampaignReview? PendingChange => LastChange?.Decision is null ? LastChange : null;

    /// <summary>The last decided change, when it was rejected and nothing newer was proposed: its reason is for the organisers.</summary>
    public CampaignReview? RejectedChange => LastChange?.Decision == ReviewDecision.Rejected ? LastChange : null;
}

/// <summary>A review in the moderators' queue and the campaign it is about.</summary>
public sealed record ReviewedCampaign(CampaignReview Review, Campaign Campaign);
