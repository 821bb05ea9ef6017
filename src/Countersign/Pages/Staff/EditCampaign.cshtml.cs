using System.Globalization;
using Countersign.Campaigns;
using Countersign.Hosting;
using Countersign.Localisation;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Staff;

/// <summary>
/// Creating (<c>/staff/campaigns/new</c>) and running a campaign: editing it, moving it through its
/// lifecycle and recording its outcome. The rules live in <see cref="CampaignLifecycle"/>: once published,
/// what it asks of whom changes only through review, and its wording only with a stated reason.
/// </summary>
[CampaignRole(StaffRoles.Organiser, AllowsNew = true)]
public sealed class EditCampaignModel(
    CampaignLifecycle lifecycle,
    MarkdownRenderer markdown,
    ReferralCounts referrals,
    IOptions<SiteOptions> site,
    IStringLocalizer<SharedResource> t) : PageModel
{
    private CampaignWithChange? _found;

    [BindProperty]
    public CampaignInput Input { get; set; } = new();

    [BindProperty]
    public OutcomeInput Outcome { get; set; } = new();

    public bool IsNew { get; private set; }

    public Campaign? Campaign => _found?.Campaign;

    /// <summary>A change to the demands, targets or hosts waiting for the moderators, if any.</summary>
    public CampaignReview? PendingChange => _found?.PendingChange;

    /// <summary>The last decided change, when it was rejected and nothing newer was proposed: its reason is for the organisers.</summary>
    public CampaignReview? RejectedChange => _found?.RejectedChange;

    /// <summary>An irreversible move waiting for the organiser's confirmation, with what it would do; the page then asks only that.</summary>
    public MoveConsequences? Confirming { get; private set; }

    /// <summary>Why the last action was refused, for the whole page (field problems go with their fields).</summary>
    public string? Refusal { get; private set; }

    [TempData]
    public string? Done { get; set; }

    public bool IsPublished => Campaign?.OpenedAt is not null;

    public int SponsorsNeeded => lifecycle.SponsorsNeeded;

    /// <summary>The link organisers share with their supporters, once the campaign has one.</summary>
    public string? SponsorUrl => Campaign?.SponsorPath is { } path ? site.Value.Link(path) : null;

    /// <summary>Counted signatures per share channel, once the campaign is published; shown with the page, not with a form sent back.</summary>
    public IReadOnlyList<ReferralCount>? Referrals { get; private set; }

    /// <summary>The embed's snippet for partners' sites, while the campaign is public.</summary>
    public string? EmbedSnippet => Campaign is { IsPublic: true } campaign ? Embed.Snippet(site.Value, campaign) : null;

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
            if (IsPublished)
            {
                Referrals = await referrals.ForCampaignAsync(Campaign.Id, cancellationToken);
            }
        }
        else
        {
            Input.Language = ContentLanguages.ForNewCampaign(CultureInfo.CurrentUICulture);
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

        // A form without the field (an older page) keeps the language, as the select would have sent it.
        Input.Language ??= Campaign?.Language ?? ContentLanguages.ForNewCampaign(CultureInfo.CurrentUICulture);
        ModelState.Clear();
        AddProblems(nameof(Input), Input.Validate());
        if (Campaign is { } existing)
        {
            AddProblems(nameof(Input), Input.ValidateHostsOf(existing));
        }

        // Checked at save, so the campaign and letter pages never hold a text they cannot show (a too long one is not worth parsing).
        foreach (var (field, text) in new[] { (nameof(CampaignInput.Body), Input.Body), (nameof(CampaignInput.Letter), Input.Letter) })
        {
            if (ModelState[$"{nameof(Input)}.{field}"] is null && markdown.ProblemWith(text ?? "") is var problem and not MarkdownProblem.None)
            {
                ModelState.AddModelError($"{nameof(Input)}.{field}", MarkdownRenderer.Explain(problem, t));
            }
        }

        if (!ModelState.IsValid)
        {
            return Unprocessable();
        }

        if (_found is null)
        {
            var (created, draft) = await lifecycle.CreateDraftAsync(Input, User, cancellationToken);
            if (draft is null)
            {
                AddProblems(nameof(Input), created.Problems);
                return Unprocessable();
            }

            return Moved(draft.Id, t["The draft is saved. Send it for review when it is ready."]);
        }

        var saved = await lifecycle.SaveAsync(_found, Input, User, cancellationToken);
        return Answer(saved, nameof(Input), saved.ChangeProposed
            ? t["The change to the demands, targets, hosts or open letter is waiting for review; the campaign page shows the approved ones until then."]
            : t["Saved."], conflict: t["Someone changed this campaign's status while you were editing. Reload the page and try again."]);
    }

    /// <summary>
    /// The page asking an organiser to confirm a move that cannot be undone, saying what it would do, from the
    /// campaign as it stands now; when the move is no longer possible (made meanwhile), the campaign's page says why.
    /// </summary>
    public async Task<IActionResult> OnGetConfirmAsync(string id, string? to, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken) || _found is null)
        {
            return NotFound();
        }

        Input = CampaignInput.From(_found.Campaign);
        Outcome = OutcomeInput.From(_found.Campaign);
        if (!CampaignLifecycle.NeedsConfirmation(to))
        {
            return NotAllowed(MoveRefusal.NotAnOrganiserMove, to);
        }

        var (check, consequences) = await lifecycle.ConsequencesAsync(_found, to, cancellationToken);
        if (consequences is null)
        {
            return NotAllowed(check.Refusal, to);
        }

        Confirming = consequences;
        return Page();
    }

    /// <summary>
    /// Organisers send the campaign for review, close it, mark it delivered or withdraw it. The last three cannot be
    /// undone: without <paramref name="confirmed"/> (the confirmation page's button) they go to that page instead.
    /// </summary>
    public async Task<IActionResult> OnPostMoveAsync(string id, string? to, bool confirmed, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken) || _found is null)
        {
            return NotFound();
        }

        if (CampaignLifecycle.NeedsConfirmation(to) && !confirmed)
        {
            return RedirectToPage("/Staff/EditCampaign", "Confirm", new { id = _found.Campaign.Id, to });
        }

        Input = CampaignInput.From(_found.Campaign);
        Outcome = OutcomeInput.From(_found.Campaign);
        var moved = await lifecycle.MoveAsync(_found, to, User, cancellationToken);
        return Answer(moved, nameof(Input), _found.Campaign.State switch
        {
            CampaignState.Sponsoring => t.Plural("Sent to its supporters. Share the sponsor link below: once {0, plural, one {# supporting signature is} other {# supporting signatures are}} confirmed, it goes to the moderators by itself.", SponsorsNeeded),
            CampaignState.InReview => t["Sent for review. A moderator will approve it or tell you what to change."],
            CampaignState.Closed => t["The campaign is closed: it no longer takes signatures."],
            CampaignState.Delivered => t["The campaign is marked as delivered."],
            _ => t["The campaign is withdrawn."],
        }, conflict: t["Someone changed this campaign's status at the same moment. Reload the page to see where it stands."], to);
    }

    public async Task<IActionResult> OnPostOutcomeAsync(string id, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, cancellationToken) || _found is null)
        {
            return NotFound();
        }

        Input = CampaignInput.From(_found.Campaign);
        ModelState.Clear();
        var recorded = await lifecycle.RecordOutcomeAsync(_found, Outcome, User, cancellationToken);
        return Answer(recorded, nameof(Outcome), t["The outcome is recorded."], conflict: t["Someone changed this campaign's status at the same moment. Reload the page to see where it stands."]);
    }

    /// <summary>The page's answer to the lifecycle's result: back to the campaign with <paramref name="done"/>, or the page again saying why not.</summary>
    private IActionResult Answer(CampaignMoveResult result, string form, string done, string conflict, string? to = null)
    {
        switch (result.Outcome)
        {
            case MoveOutcome.Moved:
                return Moved(Campaign!.Id, done);
            case MoveOutcome.Invalid:
                AddProblems(form, result.Problems);
                return Unprocessable();
            case MoveOutcome.Conflict:
                return Refused(StatusCodes.Status409Conflict, conflict);
            default:
                return NotAllowed(result.Refusal, to);
        }
    }

    /// <summary>The page again, saying why the campaign's rules do not allow the action.</summary>
    private PageResult NotAllowed(MoveRefusal refusal, string? to) =>
        Refused(refusal == MoveRefusal.NotAnOrganiserMove ? StatusCodes.Status400BadRequest : StatusCodes.Status409Conflict, refusal switch
        {
            MoveRefusal.NotAnOrganiserMove => t["Choose one of the buttons under Status. Moderators approve or reject campaigns from the review queue."],
            MoveRefusal.WaitsForSponsors => t.Plural("This campaign goes to the moderators by itself once it has {0, plural, one {# supporting signature} other {# supporting signatures}}; it has {1}. Share its sponsor link with your supporters.", SponsorsNeeded, Campaign!.SignatureCount),
            MoveRefusal.WaitingForReview => t["This campaign is waiting for review. You can edit it again once a moderator has decided, or withdraw it."],
            MoveRefusal.GatheringSponsors => t["This campaign is gathering supporting signatures: it stays as its supporters read it. You can edit it again if a moderator sends it back, or withdraw it."],
            MoveRefusal.NotPublished => t["Record an outcome once the campaign has been published."],
            MoveRefusal.AlreadyDone => AlreadyDone(to),
            _ => WhyNot(to),
        });

    private async Task<bool> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (id == CampaignRoleFilter.NewCampaign)
        {
            IsNew = true;
            return true;
        }

        _found = CanonicalId.TryParse(id, out int campaignId) ? await lifecycle.FindAsync(campaignId, cancellationToken) : null;
        return _found is not null;
    }

    private string WhyNot(string? to) => to switch
    {
        CampaignState.InReview => t["Only a draft or a rejected campaign can be sent for review."],
        CampaignState.Closed => t["Only an open campaign can be closed."],
        CampaignState.Delivered => t["Only a closed campaign can be marked as delivered: close it first."],
        _ => t["A campaign that is closed or delivered cannot be withdrawn; record its outcome instead."],
    };

    private string AlreadyDone(string? to) => to switch
    {
        CampaignState.InReview => t["This campaign has already been sent for review."],
        CampaignState.Closed => t["This campaign is already closed: nothing more was done."],
        CampaignState.Delivered => t["This campaign is already marked as delivered: nothing more was done."],
        _ => t["This campaign is already withdrawn: nothing more was done."],
    };

    private void AddProblems(string form, IReadOnlyDictionary<string, string> problems)
    {
        foreach (var (field, problem) in problems)
        {
            ModelState.AddModelError($"{form}.{field}", t[problem]);
        }
    }

    private RedirectToPageResult Moved(int campaignId, string done)
    {
        Done = done;
        return RedirectToPage("/Staff/EditCampaign", new { id = campaignId });
    }

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
}
