using System.Globalization;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Campaigns;

/// <summary>
/// The campaign page, its signing form, and its comments with their form; also, at /c/{slug}/sponsor/{token},
/// the same page for the holders of a campaign's sponsor link while it gathers the supporting signatures it
/// needs before review.
/// </summary>
public sealed class ShowModel(
    CountersignDb db,
    CampaignCache campaigns,
    SignatureSubmission signatures,
    CommentIntake comments,
    FormChecks checks,
    CampaignPulse pulse,
    IOptions<CampaignOptions> campaignOptions,
    IOptions<SiteOptions> site,
    IStringLocalizer<SharedResource> t) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;

    /// <summary>The sponsor link's token, when the page was opened through it for a campaign gathering supporters.</summary>
    public string? SponsorToken { get; private set; }

    /// <summary>The link was not a campaign's sponsor link, or its campaign no longer gathers supporters: the page explains, with a 404.</summary>
    public SponsorLinkProblem? LinkProblem { get; private set; }

    /// <summary>Confirmed signatures a campaign needs before review, when the site asks for them.</summary>
    public int SponsorsNeeded => campaignOptions.Value.SponsorSignatures;

    /// <summary>An open campaign takes signatures from anyone; one gathering supporters, only through its sponsor link.</summary>
    public bool TakesSignatures => Campaign.TakesSignatures(throughSponsorLink: SponsorToken is not null);

    /// <summary>Where the proof-of-work widget fetches its challenge: the sponsor link's own, so the challenge reveals nothing to others.</summary>
    public string ChallengePath => SponsorToken is null
        ? Url.RouteUrl(ProofOfWorkEndpoint.SigningChallenge, new { slug = Campaign.Slug })!
        : Url.RouteUrl(ProofOfWorkEndpoint.SponsorSigningChallenge, new { slug = Campaign.Slug, sponsorToken = Campaign.SponsorToken })!;

    /// <summary>Where the comment form's widget fetches its challenge: its own, which the signing form does not take.</summary>
    public string CommentChallengePath => Url.RouteUrl(ProofOfWorkEndpoint.CommentChallenge, new { slug = Campaign.Slug })!;
    public string BodyHtml { get; private set; } = "";

    /// <summary>The share panel's links, for a public campaign: a sponsor link is its organisers' to pass on.</summary>
    public ShareLinks? Share => SponsorToken is null && Campaign.IsPublic ? ShareLinks.For(Campaign, afterSigning: false, site.Value, t) : null;

    /// <summary>Where oEmbed consumers ask for the page's embed (oEmbed discovery), for a public campaign.</summary>
    public string? OembedUrl => Share is { } share
        ? site.Value.Link(Url.RouteUrl(OembedEndpoint.RouteName, new { url = share.CampaignUrl, format = OembedEndpoint.Json })!)
        : null;

    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];

    /// <summary>Whether the page keeps its count and latest signers current (pulse.js): a public campaign that takes signatures.</summary>
    public bool KeepsFiguresCurrent => SponsorToken is null && Campaign.IsPublic && TakesSignatures;

    /// <summary>The latest signers shown, the last day's signatures, what the goal still needs and the days left.</summary>
    public SocialProof SocialProof { get; private set; } = null!;

    /// <summary>The campaign's published updates, newest first.</summary>
    public IReadOnlyList<PublishedUpdate> Updates { get; private set; } = [];

    /// <summary>The intake queue was full: the page asks the signer to press Sign again.</summary>
    public bool Busy { get; private set; }

    [BindProperty]
    public SignatureForm Input { get; set; } = new();

    /// <summary>Its published comments, newest first (none while comments are off).</summary>
    public IReadOnlyList<VisibleComment> VisibleComments { get; private set; } = [];

    /// <summary>Whether more published comments are older than those the page lists, on the campaign's comments pages.</summary>
    public bool HasOlderComments { get; private set; }

    [BindProperty]
    public CommentForm Comment { get; set; } = new();

    /// <summary>Why the comment form was refused as a whole (comments off, the campaign closed).</summary>
    public string? CommentRefusal { get; private set; }

    /// <summary>The database could not take the comment just now: the page asks to press Post again.</summary>
    public bool CommentBusy { get; private set; }

    /// <summary>The form field of the comment form's proof-of-work problem, if any.</summary>
    public const string CommentProofOfWorkField = "CommentProofOfWork";

    /// <summary>Whether the form carries the proof-of-work widget.</summary>
    public bool AsksForProofOfWork => checks.AsksForProofOfWork;

    /// <summary>The form field of the proof-of-work's problem, if any (not part of <see cref="Input"/>).</summary>
    public const string ProofOfWorkField = "ProofOfWork";

    /// <param name="via">The share channel or partner of the link that was followed, kept for the form only if it is one of ours (see <see cref="Referral"/>).</param>
    public async Task<IActionResult> OnGetAsync(string slug, string? sponsorToken, string? via, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, sponsorToken, cancellationToken) is { } elsewhere)
        {
            return elsewhere;
        }

        Input.Via = Referral.ForForm(Campaign, via);

        if (TakesSignatures)
        {
            await signatures.HandOutFormAsync(Campaign.Id, cancellationToken);
        }

        return await ShowPageAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string slug, string? sponsorToken, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, sponsorToken, cancellationToken) is { } elsewhere)
        {
            return elsewhere;
        }

        if (!TakesSignatures)
        {
            Response.StatusCode = StatusCodes.Status409Conflict;
            return await ShowPageAsync(cancellationToken);
        }

        // Our own validation decides; binding errors (a host id that is not a number, say) are just bad input.
        ModelState.Clear();
        Input.Via = Referral.ForForm(Campaign, Input.Via);
        var outcome = await signatures.SubmitAsync(Campaign, Input, Request.Form[ProofOfWork.FormField], HttpContext.Connection.RemoteIpAddress, cancellationToken);
        switch (outcome.Result)
        {
            case FormResult.Invalid:
                return await ProblemsAsync(nameof(Input), ProofOfWorkField, outcome.Problems, cancellationToken);
            case FormResult.Busy:
                Busy = true;
                return await BusyAsync(cancellationToken);
        }

        // Every outcome (first signature, pending, already confirmed) leads to the same page,
        // so nobody can learn from it whether an address has signed; the email tells the owner.
        // The page answers at two addresses: the sponsor link's when there is a token, the public one otherwise.
        return RedirectToPage("/Signing/CheckEmail", new { slug = Campaign.Slug, sponsorToken = SponsorToken ?? "" });
    }

    /// <summary>The comment form, handed to <see cref="CommentIntake"/>; whatever happened to the comment, the same next page.</summary>
    public async Task<IActionResult> OnPostCommentAsync(string slug, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, sponsorToken: null, cancellationToken) is { } elsewhere)
        {
            return elsewhere;
        }

        ModelState.Clear();
        var outcome = await comments.TakeAsync(Campaign, Comment, Request.Form[ProofOfWork.FormField], HttpContext.Connection.RemoteIpAddress, cancellationToken);
        switch (outcome.Result)
        {
            case FormResult.Refused:
                CommentRefusal = outcome.Refusal;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await ShowPageAsync(cancellationToken);
            case FormResult.Invalid:
                return await ProblemsAsync(nameof(Comment), CommentProofOfWorkField, outcome.Problems, cancellationToken);
            case FormResult.Busy:
                CommentBusy = true;
                return await BusyAsync(cancellationToken);
        }

        return RedirectToPage("/Comments/CheckEmail", new { slug = Campaign.Slug });
    }

    /// <summary>The form comes back as typed, each problem with its field (the proof of work's with the widget).</summary>
    private Task<PageResult> ProblemsAsync(string form, string proofOfWorkField, IEnumerable<FormProblem> problems, CancellationToken cancellationToken)
    {
        foreach (var problem in problems)
        {
            ModelState.AddModelError(problem.Field is null ? proofOfWorkField : $"{form}.{problem.Field}", problem.Message);
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return ShowPageAsync(cancellationToken);
    }

    /// <summary>The form comes back as typed, with a request to press the button again shortly.</summary>
    private Task<PageResult> BusyAsync(CancellationToken cancellationToken)
    {
        Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        Response.Headers.RetryAfter = IntakeBusyException.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return ShowPageAsync(cancellationToken);
    }

    /// <summary>Finds the campaign the address shows; null when the page goes on, otherwise what to answer instead.</summary>
    private async Task<IActionResult?> LoadAsync(string slug, string? sponsorToken, CancellationToken cancellationToken)
    {
        if (sponsorToken is null)
        {
            var open = await campaigns.FindPublicAsync(db, slug, cancellationToken);
            if (open is null)
            {
                return NotFound();
            }

            Show(open);
            return null;
        }

        // The page holds text nobody has reviewed yet: not for shared caches or search engines.
        Response.Headers.CacheControl = "no-cache, no-store";
        Response.Headers["X-Robots-Tag"] = "noindex";
        var sponsored = await campaigns.FindBySponsorLinkAsync(db, slug, sponsorToken, cancellationToken);
        if (sponsored?.Campaign.State == CampaignState.Sponsoring)
        {
            SponsorToken = sponsorToken;
            Show(sponsored);
            return null;
        }

        if (sponsored?.Campaign.IsPublic == true)
        {
            // An old sponsor link of a campaign that has since opened: its public page. A signature posted
            // through it is taken there too if the campaign is open.
            if (HttpMethods.IsGet(Request.Method) || HttpMethods.IsHead(Request.Method))
            {
                return RedirectToPage("/Campaigns/Show", new { slug = sponsored.Campaign.Slug, sponsorToken = "" });
            }

            Show(sponsored);
            return null;
        }

        LinkProblem = sponsored?.Campaign.State switch
        {
            null => SponsorLinkProblem.Unknown,
            CampaignState.InReview => SponsorLinkProblem.WaitingForReview,
            CampaignState.Withdrawn => SponsorLinkProblem.Withdrawn,
            _ => SponsorLinkProblem.BeingChanged,
        };
        Response.StatusCode = StatusCodes.Status404NotFound;
        return Page();
    }

    private void Show(CachedCampaign cached)
    {
        Campaign = cached.Campaign;
        BodyHtml = cached.BodyHtml;
        Timeline = cached.Timeline;
        Updates = cached.Updates;
        VisibleComments = cached.Comments;
        HasOlderComments = cached.LatestComments.HasOlder;
    }

    /// <summary>Before showing the page, the count as committed now (a signature POST does not need it).</summary>
    private async Task<PageResult> ShowPageAsync(CancellationToken cancellationToken)
    {
        // A form shown again keeps the time it was first handed out, like the rest of what was typed.
        Input.Started ??= checks.IssueStamp();
        Comment.Started ??= checks.IssueStamp();
        Campaign = await CampaignCache.WithCurrentCountAsync(db, Campaign, cancellationToken);
        SocialProof = await pulse.ReadAsync(Campaign, cancellationToken);
        return Page();
    }
}
