using System.Globalization;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Staff;

/// <summary>
/// Creating (<c>/staff/campaigns/new</c>) and running a campaign: editing it, moving it through its
/// lifecycle and recording its outcome. Once published, what it asks of whom changes only through
/// review, and its wording only with a stated reason.
/// </summary>
[CampaignRole(StaffRoles.Organiser, AllowsNew = true)]
public sealed class EditCampaignModel(
    CountersignDb db,
    CampaignCache campaigns,
    MarkdownRenderer markdown,
    IOptions<CampaignOptions> campaignOptions,
    IOptions<SiteOptions> site,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public CampaignInput Input { get; set; } = new();

    [BindProperty]
    public OutcomeInput Outcome { get; set; } = new();

    public bool IsNew { get; private set; }

    public Campaign? Campaign { get; private set; }

    /// <summary>A change to the demands, targets or hosts waiting for the moderators, if any.</summary>
    public CampaignReview? PendingChange { get; private set; }

    /// <summary>The last decided change, when it was rejected and nothing newer was proposed: its reason is for the organisers.</summary>
    public CampaignReview? RejectedChange { get; private set; }

    /// <summary>Why the last action was refused, for the whole page (field problems go with their fields).</summary>
    public string? Refusal { get; private set; }

    [TempData]
    public string? Done { get; set; }

    /// <summary>The moves organisers make here; approving and rejecting are the moderators', from the review queue.</summary>
    public static readonly IReadOnlyList<string> OrganiserMoves = [CampaignState.InReview, CampaignState.Closed, CampaignState.Delivered, CampaignState.Withdrawn];

    /// <summary>The buttons under Status: a campaign gathering supporting signatures moves to review by itself, not by a button.</summary>
    public static IReadOnlyList<string> OrganiserMovesFrom(string state) =>
        CampaignState.NextFrom(state).Where(OrganiserMoves.Contains).Where(to => !(state == CampaignState.Sponsoring && to == CampaignState.InReview)).ToList();

    public bool IsPublished => Campaign?.OpenedAt is not null;

    /// <summary>Confirmed signatures a campaign needs from its sponsor link before review; 0 when the site does not ask for them.</summary>
    public int SponsorsNeeded => campaignOptions.Value.SponsorSignatures;

    /// <summary>The link organisers share with their supporters, once the campaign has one.</summary>
    public string? SponsorUrl => Campaign?.SponsorPath is { } path ? site.Value.Link(path) : null;

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (Campaign is not null)
        {
            Input = CampaignInput.From(Campaign);
            Outcome = OutcomeInput.From(Campaign);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken))
        {
            return NotFound();
        }

        Outcome = Campaign is null ? new() : OutcomeInput.From(Campaign);
        ModelState.Clear();
        foreach (var (field, problem) in Input.Validate())
        {
            InputProblem(field, t[problem]);
        }

        // Checked at save, so the campaign page never holds a text it cannot show (a too long one is not worth parsing).
        if (ModelState[$"{nameof(Input)}.{nameof(CampaignInput.Body)}"] is null && markdown.ProblemWith(Input.Body ?? "") is var bodyProblem and not MarkdownProblem.None)
        {
            InputProblem(nameof(CampaignInput.Body), MarkdownRenderer.Explain(bodyProblem, t));
        }

        if (ModelState.IsValid && await db.Campaigns.AnyAsync(c => c.Slug == Input.Slug && c.Id != (Campaign == null ? 0 : Campaign.Id), cancellationToken))
        {
            InputProblem(nameof(CampaignInput.Slug), t["Another campaign already uses this address."]);
        }

        if (!ModelState.IsValid)
        {
            return Unprocessable();
        }

        if (Campaign?.State == CampaignState.InReview)
        {
            return Refused(StatusCodes.Status409Conflict, t["This campaign is waiting for review. You can edit it again once a moderator has decided, or withdraw it."]);
        }

        if (Campaign?.State == CampaignState.Sponsoring)
        {
            // Its supporters sign the text they read: it changes only once a moderator has sent it back.
            return Refused(StatusCodes.Status409Conflict, t["This campaign is gathering supporting signatures: it stays as its supporters read it. You can edit it again if a moderator sends it back, or withdraw it."]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var proposed = Input.ToContent();
        if (Campaign is null)
        {
            Campaign = new Campaign { Slug = Input.Slug!, Title = "", Summary = "", CreatedAt = now, UpdatedAt = now };
            proposed.ApplyTo(Campaign);
            Campaign.Milestones = Input.ParsedMilestones()!;
            Campaign.CommentMode = Input.CommentMode ?? CommentMode.Off;
            db.Campaigns.Add(Campaign);
            await db.SaveChangesAsync(cancellationToken);

            // Whoever drafts a campaign organises it, until they add others.
            if (AuditLog.StaffIdOf(User) is { } creator)
            {
                db.CampaignMembers.Add(new CampaignMember { CampaignId = Campaign.Id, StaffUserId = creator, Role = StaffRoles.Organiser, AddedAt = now, AddedBy = creator });
            }

            db.Record(User, AuditAction.CampaignCreated, Campaign.Id, now);
            await db.SaveChangesAsync(cancellationToken);
            Done = t["The draft is saved. Send it for review when it is ready."];
            return Redirect($"/staff/campaigns/{Campaign.Id}");
        }

        var outcome = IsPublished ? SavePublished(proposed, now) : SaveUnpublished(proposed, now);
        if (outcome is not null)
        {
            return outcome;
        }

        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refused(StatusCodes.Status409Conflict, t["Someone changed this campaign's status while you were editing. Reload the page and try again."]);
        }

        campaigns.Forget(Campaign.Slug);
        return Redirect($"/staff/campaigns/{Campaign.Id}");
    }

    /// <summary>Organisers send the campaign for review, close it, mark it delivered or withdraw it.</summary>
    public async Task<IActionResult> OnPostMoveAsync(string id, string? to, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken) || Campaign is null)
        {
            return NotFound();
        }

        Input = CampaignInput.From(Campaign);
        Outcome = OutcomeInput.From(Campaign);
        if (to is null || !OrganiserMoves.Contains(to))
        {
            return Refused(StatusCodes.Status400BadRequest, t["Choose one of the buttons under Status. Moderators approve or reject campaigns from the review queue."]);
        }

        if (to == CampaignState.InReview && Campaign.State == CampaignState.Sponsoring)
        {
            return Refused(StatusCodes.Status409Conflict, t["This campaign goes to the moderators by itself once it has {0} supporting signatures; it has {1}. Share its sponsor link with your supporters.", SponsorsNeeded, Campaign.SignatureCount]);
        }

        if (!CampaignState.CanMove(Campaign.State, to))
        {
            return Refused(StatusCodes.Status409Conflict, WhyNot(to));
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (to == CampaignState.InReview)
        {
            // With supporting signatures asked for, "send for review" sends it to its supporters first.
            Campaign.SubmitForReview(SponsorsNeeded);
        }
        else
        {
            Campaign.MoveTo(to, now);
        }

        Campaign.UpdatedAt = now;
        if (Campaign.State == CampaignState.InReview)
        {
            db.CampaignReviews.Add(new CampaignReview
            {
                CampaignId = Campaign.Id,
                Kind = ReviewKind.Launch,
                Content = CampaignContent.Of(Campaign).ToJson(),
                SubmittedAt = now,
                SubmittedBy = AuditLog.StaffIdOf(User),
            });
        }

        if (!Campaign.AcceptsSignatures && PendingChange is not null)
        {
            PendingChange.Decision = ReviewDecision.Dropped;
            PendingChange.DecidedAt = now;
        }

        db.Record(User, AuditAction.ForMoveTo(Campaign.State), Campaign.Id, now,
            Campaign.State == CampaignState.Sponsoring ? $"Needs {SponsorsNeeded} supporting signatures, has {Campaign.SignatureCount}" : null);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refused(StatusCodes.Status409Conflict, t["Someone changed this campaign's status at the same moment. Reload the page to see where it stands."]);
        }

        campaigns.Forget(Campaign.Slug);
        Done = Campaign.State switch
        {
            CampaignState.Sponsoring => t["Sent to its supporters. Share the sponsor link below: once {0} supporting signatures are confirmed, it goes to the moderators by itself.", SponsorsNeeded],
            CampaignState.InReview => t["Sent for review. A moderator will approve it or tell you what to change."],
            CampaignState.Closed => t["The campaign is closed: it no longer takes signatures."],
            CampaignState.Delivered => t["The campaign is marked as delivered."],
            _ => t["The campaign is withdrawn."],
        };
        return Redirect($"/staff/campaigns/{Campaign.Id}");
    }

    public async Task<IActionResult> OnPostOutcomeAsync(string id, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken) || Campaign is null)
        {
            return NotFound();
        }

        Input = CampaignInput.From(Campaign);
        ModelState.Clear();
        if (!IsPublished)
        {
            return Refused(StatusCodes.Status409Conflict, t["Record an outcome once the campaign has been published."]);
        }

        if (!CampaignOutcome.All.Contains(Outcome.Outcome ?? ""))
        {
            ModelState.AddModelError($"{nameof(Outcome)}.{nameof(OutcomeInput.Outcome)}", t["Choose an outcome from the list."]);
        }

        DateOnly? on = null;
        if (!string.IsNullOrWhiteSpace(Outcome.On))
        {
            if (DateOnly.TryParseExact(Outcome.On.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                on = date;
            }
            else
            {
                ModelState.AddModelError($"{nameof(Outcome)}.{nameof(OutcomeInput.On)}", t["Enter a date like 2027-03-31."]);
            }
        }

        if ((Outcome.Text ?? "").Trim().Length > CampaignOutcome.TextMaxLength)
        {
            ModelState.AddModelError($"{nameof(Outcome)}.{nameof(OutcomeInput.Text)}", t["This text is too long."]);
        }

        if (!ModelState.IsValid)
        {
            return Unprocessable();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        Campaign.RecordOutcome(Outcome.Outcome!, on, Outcome.Text);
        Campaign.UpdatedAt = now;
        db.Record(User, AuditAction.OutcomeRecorded, Campaign.Id, now, Campaign.Outcome);
        await db.SaveChangesAsync(cancellationToken);
        campaigns.Forget(Campaign.Slug);
        Done = t["The outcome is recorded."];
        return Redirect($"/staff/campaigns/{Campaign.Id}");
    }

    /// <summary>Drafts and rejected campaigns: nobody has signed them, so everything may change.</summary>
    private IActionResult? SaveUnpublished(CampaignContent proposed, DateTime now)
    {
        var campaign = Campaign!;
        campaign.Slug = Input.Slug!;
        proposed.ApplyTo(campaign);
        campaign.Milestones = Input.ParsedMilestones()!;
        campaign.UpdatedAt = now;
        db.Record(User, AuditAction.CampaignEdited, campaign.Id, now);
        SwitchComments(campaign, now);
        Done = t["Saved."];
        return null;
    }

    /// <summary>
    /// A published campaign keeps its address (links to it are out there) and the asks its signers
    /// signed: a change to those goes to the moderators, and only while it still takes signatures.
    /// Its wording may be mended, with a reason kept in the audit log.
    /// </summary>
    private IActionResult? SavePublished(CampaignContent proposed, DateTime now)
    {
        var campaign = Campaign!;
        var current = CampaignContent.Of(campaign);
        if (Input.Slug != campaign.Slug)
        {
            InputProblem(nameof(CampaignInput.Slug), t["The address of a published campaign cannot change: links to it have been shared."]);
        }

        var asksDifferently = proposed.AsksDifferentlyFrom(current);
        if (asksDifferently && !campaign.AcceptsSignatures)
        {
            InputProblem(nameof(CampaignInput.Demands), t["This campaign no longer takes signatures: its demands, targets and hosts stay as its signers signed them."]);
        }
        else if (asksDifferently && PendingChange is not null)
        {
            InputProblem(nameof(CampaignInput.Demands), t["A change to the demands, targets or hosts is already waiting for review. Wait for the moderators' decision before proposing another."]);
        }

        var readsDifferently = proposed.ReadsDifferentlyFrom(current);
        if (readsDifferently && string.IsNullOrWhiteSpace(Input.ChangeReason))
        {
            InputProblem(nameof(CampaignInput.ChangeReason), t["Say why the published text changes (for example: a typo, a broken link). The reason is kept in the audit log."]);
        }

        if (!ModelState.IsValid)
        {
            return Unprocessable();
        }

        var notices = new List<string>();
        if (readsDifferently)
        {
            proposed.ApplyWordingTo(campaign);
            db.Record(User, AuditAction.CampaignEdited, campaign.Id, now, "Wording: " + Input.ChangeReason!.Trim());
        }

        var milestones = Input.ParsedMilestones()!;
        if (proposed.Goal != current.Goal || proposed.Deadline != current.Deadline || !milestones.SequenceEqual(campaign.Milestones))
        {
            proposed.ApplySettingsTo(campaign);
            campaign.Milestones = milestones;
            db.Record(User, AuditAction.CampaignEdited, campaign.Id, now, string.Create(CultureInfo.InvariantCulture,
                $"Goal {proposed.Goal}, deadline {proposed.Deadline?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "none"}, milestones {string.Join(", ", milestones)}"));
        }

        SwitchComments(campaign, now);
        if (asksDifferently)
        {
            // The proposal carries the wording as saved now, so the moderators read the whole page they approve.
            var proposal = proposed with { Title = campaign.Title, Summary = campaign.Summary, Body = campaign.BodyMarkdown, Goal = campaign.Goal, Deadline = campaign.Deadline };
            db.CampaignReviews.Add(new CampaignReview
            {
                CampaignId = campaign.Id,
                Kind = ReviewKind.Change,
                Content = proposal.ToJson(),
                SubmittedAt = now,
                SubmittedBy = AuditLog.StaffIdOf(User),
            });
            db.Record(User, AuditAction.ChangeProposed, campaign.Id, now);
            notices.Add(t["The change to the demands, targets or hosts is waiting for review; the campaign page shows the approved ones until then."]);
        }

        campaign.UpdatedAt = now;
        Done = notices.Count > 0 ? string.Join(' ', notices) : t["Saved."];
        return null;
    }

    /// <summary>
    /// Comments are a setting, like the goal: they change nothing a signer signed, so they apply at
    /// once, on a published campaign too, with their own audit entry.
    /// </summary>
    private void SwitchComments(Campaign campaign, DateTime now)
    {
        if (Input.CommentMode is not { } mode || mode == campaign.CommentMode)
        {
            return;
        }

        db.Record(User, AuditAction.CommentModeChanged, campaign.Id, now, $"Comments: {campaign.CommentMode} → {mode}");
        campaign.CommentMode = mode;
    }

    private async Task<bool> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (id == CampaignRoleFilter.NewCampaign)
        {
            IsNew = true;
            return true;
        }

        if (!CanonicalId.TryParse(id, out int campaignId))
        {
            return false;
        }

        Campaign = await db.Campaigns.Include(c => c.Hosts).FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (Campaign is null)
        {
            return false;
        }

        var lastChange = await db.CampaignReviews.Where(r => r.CampaignId == campaignId && r.Kind == ReviewKind.Change)
            .OrderByDescending(r => r.Id).FirstOrDefaultAsync(cancellationToken);
        PendingChange = lastChange?.Decision is null ? lastChange : null;
        RejectedChange = lastChange?.Decision == ReviewDecision.Rejected ? lastChange : null;
        return true;
    }

    private string WhyNot(string to) => to switch
    {
        CampaignState.InReview => t["Only a draft or a rejected campaign can be sent for review."],
        CampaignState.Closed => t["Only an open campaign can be closed."],
        CampaignState.Delivered => t["Only a closed campaign can be marked as delivered: close it first."],
        _ => t["A campaign that is closed or delivered cannot be withdrawn; record its outcome instead."],
    };

    private void InputProblem(string field, string message) => ModelState.AddModelError($"{nameof(Input)}.{field}", message);

    private PageResult Unprocessable()
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private PageResult Refused(int status, string message)
    {
        Refusal = message;
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>The outcome form, as typed.</summary>
    public sealed class OutcomeInput
    {
        public string? Outcome { get; set; } = CampaignOutcome.Ongoing;
        public string? On { get; set; }
        public string? Text { get; set; }

        public static OutcomeInput From(Campaign campaign) => new()
        {
            Outcome = campaign.Outcome,
            On = campaign.OutcomeOn?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            Text = campaign.OutcomeText,
        };
    }
}
