using System.Data.Common;
using System.Globalization;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
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
    SignatureIntake intake,
    CampaignCache campaigns,
    PersonalDataProtector protector,
    CampaignKeys campaignKeys,
    SignerEmails emails,
    Outbox outbox,
    BotChecks bots,
    ProofOfWork proofOfWork,
    NetworkAddresses networks,
    SigningRates rates,
    TimeProvider clock,
    IOptions<CampaignOptions> campaignOptions,
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
    public bool TakesSignatures => Campaign.AcceptsSignatures || (SponsorToken is not null && Campaign.State == CampaignState.Sponsoring);

    /// <summary>Where the proof-of-work widget fetches its challenge: the sponsor link's own, so the challenge reveals nothing to others.</summary>
    public string ChallengePath => SponsorToken is null ? $"/c/{Campaign.Slug}/altcha" : $"/{Campaign.SponsorPath}/altcha";

    /// <summary>Where the comment form's widget fetches its challenge: its own, which the signing form does not take.</summary>
    public string CommentChallengePath => $"/c/{Campaign.Slug}/comments/altcha";
    public string BodyHtml { get; private set; } = "";
    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];

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
    public bool AsksForProofOfWork => proofOfWork.Enabled;

    /// <summary>The form field of the proof-of-work's problem, if any (not part of <see cref="Input"/>).</summary>
    public const string ProofOfWorkField = "ProofOfWork";

    public async Task<IActionResult> OnGetAsync(string slug, string? sponsorToken, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, sponsorToken, cancellationToken) is { } elsewhere)
        {
            return elsewhere;
        }

        if (TakesSignatures)
        {
            // The campaign's data key is made (once) when its form is first handed out, so that
            // signing, even at its busiest, only ever reads it.
            await campaignKeys.ForCampaignAsync(Campaign.Id, cancellationToken);
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
        foreach (var (field, problem) in Input.Validate(Campaign))
        {
            ModelState.AddModelError($"{nameof(Input)}.{field}", t[problem]);
        }

        if (bots.IsOutOfDate(Input.Started))
        {
            ModelState.AddModelError($"{nameof(Input)}.{nameof(Input.Started)}", OpenTooLong(ProofOfWorkField));
            Input.Started = null;
        }

        // Checked only once the rest is right: checking spends the challenge, and a person
        // correcting a field should not have to wait for a new one.
        SpentChallenge? spent = null;
        var suspicion = ModelState.IsValid ? CheckProofOfWork(ProofOfWorkField, out spent) : null;
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return await ShowPageAsync(cancellationToken);
        }

        try
        {
            var source = await networks.HashAsync(HttpContext.Connection.RemoteIpAddress, cancellationToken);
            var cipher = await campaignKeys.ForCampaignAsync(Campaign.Id, cancellationToken);
            await intake.SignAsync(PrepareSignature(suspicion ?? bots.Suspicion(Input), source, cipher, spent));
        }
        catch (Exception exception) when (exception is IntakeBusyException or DbException)
        {
            // The queue is full or the database cannot be reached just now: the form comes back as
            // typed, with a request to press Sign again shortly.
            Busy = true;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = IntakeBusyException.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return await ShowPageAsync(cancellationToken);
        }

        outbox.WakeSender();

        // Every outcome (first signature, pending, already confirmed) leads to the same page,
        // so nobody can learn from it whether an address has signed; the email tells the owner.
        // A plain path: the page answers at two addresses, the public one and the sponsor link's.
        return Redirect(SponsorToken is null ? $"/c/{Campaign.Slug}/check-email" : $"/{Campaign.SponsorPath}/check-email");
    }

    /// <summary>
    /// A comment goes through the signing form's checks: the flood limiter (it is on every request),
    /// the proof of work, the honeypot and form stamp, and the per-source rate limits, which hold a
    /// comment for a moderator rather than refuse it. A comment a bot check catches is answered
    /// like any other but not kept at all: nobody will ever confirm it, so there is nothing to hold.
    /// </summary>
    public async Task<IActionResult> OnPostCommentAsync(string slug, CancellationToken cancellationToken)
    {
        if (await LoadAsync(slug, sponsorToken: null, cancellationToken) is { } elsewhere)
        {
            return elsewhere;
        }

        ModelState.Clear();
        if (!Campaign.TakesComments)
        {
            CommentRefusal = Campaign.AcceptsSignatures ? t["This campaign does not take comments."] : t["This campaign is closed and no longer takes comments."];
            Response.StatusCode = StatusCodes.Status409Conflict;
            return await ShowPageAsync(cancellationToken);
        }

        foreach (var (field, problem) in Comment.Validate())
        {
            ModelState.AddModelError($"{nameof(Comment)}.{field}", t[problem]);
        }

        if (bots.IsOutOfDate(Comment.Started))
        {
            ModelState.AddModelError($"{nameof(Comment)}.{nameof(Comment.Started)}", OpenTooLong(CommentProofOfWorkField));
            Comment.Started = null;
        }

        SpentChallenge? spent = null;
        var suspicion = ModelState.IsValid ? CheckProofOfWork(CommentProofOfWorkField, out spent) : null;
        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return await ShowPageAsync(cancellationToken);
        }

        try
        {
            await StoreCommentAsync(suspicion ?? bots.Suspicion(Comment.Website, Comment.Started), spent, cancellationToken);
        }
        catch (DbException)
        {
            CommentBusy = true;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = IntakeBusyException.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
            return await ShowPageAsync(cancellationToken);
        }

        outbox.WakeSender();
        return RedirectToPage("/Comments/CheckEmail", new { slug = Campaign.Slug });
    }

    /// <summary>
    /// Stores the comment, encrypted with the campaign's key, and its confirmation email in one
    /// transaction, with the proof of work recorded as spent (on every server of the database).
    /// </summary>
    private async Task StoreCommentAsync(string? suspicion, SpentChallenge? spent, CancellationToken cancellationToken)
    {
        var source = await networks.HashAsync(HttpContext.Connection.RemoteIpAddress, cancellationToken);
        var heldBecause = rates.Count(Campaign.Id, source, rates.DomainOf(Comment.TrimmedEmail), RatedAct.Comment);
        var cipher = await campaignKeys.ForCampaignAsync(Campaign.Id, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (spent is not null)
        {
            var rows = new SignatureRows(db.Database.GetDbConnection(), transaction.GetDbTransaction());
            if ((await rows.SpendAsync([spent], now, purgeExpired: false, cancellationToken)).Count > 0)
            {
                suspicion = BotChecks.ReplayedReason;
            }
        }

        if (suspicion is null)
        {
            var token = ConfirmationToken.NewRandom();
            var locale = CultureInfo.CurrentUICulture.Name;
            var emailKey = protector.EmailKey(EmailAddress.Normalise(Comment.TrimmedEmail));
            db.Comments.Add(new Countersign.Comments.Comment
            {
                CampaignId = Campaign.Id,
                NameCiphertext = cipher.Encrypt(Comment.TrimmedName),
                EmailCiphertext = cipher.Encrypt(Comment.TrimmedEmail),
                EmailKey = emailKey,
                TextCiphertext = cipher.Encrypt(Comment.TrimmedText),
                Locale = locale,
                HeldBecause = heldBecause,
                CreatedAt = now,
                ConfirmationTokenHash = ConfirmationToken.Hash(token),
                ConfirmationTokenExpiresAt = ConfirmationToken.ExpiryFrom(now),
            });
            outbox.Add(db, SignerEmails.CommentConfirmationKind, emails.CommentConfirmation(Campaign, Comment.TrimmedName, Comment.TrimmedEmail, emailKey, token, locale));
            await db.SaveChangesAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// A missing, forged or expired proof of work is a problem the person can fix (their browser
    /// solves a new challenge); a solution used before is a script's, or a double click, and is
    /// answered like any signature but stored invalidated.
    /// </summary>
    private string? CheckProofOfWork(string field, out SpentChallenge? spent)
    {
        var button = ButtonOf(field);
        spent = null;
        if (!proofOfWork.Enabled)
        {
            return null;
        }

        var purpose = field == ProofOfWorkField ? ProofOfWorkPurpose.Signing : ProofOfWorkPurpose.Comment;
        switch (proofOfWork.Check(Request.Form[ProofOfWork.FormField], Campaign.Id, purpose, out spent))
        {
            case ProofOfWorkResult.Solved:
                return null;
            case ProofOfWorkResult.Replayed:
                return BotChecks.ReplayedReason;
            case ProofOfWorkResult.Expired:
                ModelState.AddModelError(field, t["The anti-spam check expired while the page was open. It has started again: press {0} once it shows as done.", button]);
                return null;
            default:
                ModelState.AddModelError(field, t["Wait a moment for the anti-spam check to finish (it runs in your browser, no data leaves it), then press {0} again.", button]);
                return null;
        }
    }

    /// <summary>
    /// Why a form whose stamp is out of date (see <see cref="BotChecks.IsOutOfDate"/>) comes back: the
    /// page shows it again as typed, with a fresh stamp, so pressing the button once more is enough.
    /// </summary>
    private string OpenTooLong(string proofOfWorkField) =>
        t["This page was open too long for us to take the form. Everything you typed is still here: press {0} again.", ButtonOf(proofOfWorkField)];

    /// <summary>The button of the form whose proof-of-work field this is, as the page names it.</summary>
    private string ButtonOf(string proofOfWorkField) => proofOfWorkField == ProofOfWorkField ? t["Sign"] : t["Post comment"];

    /// <summary>
    /// Encrypts and seals everything on this request's thread, leaving the writer only the decision
    /// and the write. A submission caught by a bot check is stored invalidated, with no email; one
    /// over a rate limit goes through confirmation as usual but is held, not counted.
    /// </summary>
    private SignRequest PrepareSignature(string? suspicion, HashedSource? source, CampaignCipher cipher, SpentChallenge? spent)
    {
        var emailDomain = rates.DomainOf(Input.TrimmedEmail);
        var heldBecause = rates.Count(Campaign.Id, source, emailDomain);
        var now = clock.GetUtcNow().UtcDateTime;
        var emailKey = protector.EmailKey(EmailAddress.Normalise(Input.TrimmedEmail));
        var expiresAt = ConfirmationToken.ExpiryFrom(now);
        var token = ConfirmationToken.Create(protector, Campaign.Id, emailKey, expiresAt);
        var locale = CultureInfo.CurrentUICulture.Name;
        var showName = Input.ShowName == SignatureForm.Yes;
        return new SignRequest
        {
            Campaign = Campaign,
            Signature = new Signature
            {
                CampaignId = Campaign.Id,
                NameCiphertext = cipher.Encrypt(Input.TrimmedName),
                EmailCiphertext = cipher.Encrypt(Input.TrimmedEmail),
                EmailKey = emailKey,
                PostcodeCiphertext = Input.TrimmedPostcode is { } postcode ? cipher.Encrypt(postcode) : null,
                CountryCode = Input.CountryCode,
                ShowNamePublicly = showName,
                UpdatesFromHostIds = Input.HostsToHearFrom(Campaign).ToList(),
                Locale = locale,
                CreatedAt = now,
                ConfirmationTokenHash = suspicion is null ? ConfirmationToken.Hash(token) : null,
                ConfirmationTokenExpiresAt = suspicion is null ? expiresAt : null,
                State = suspicion is null ? SignatureState.Pending : SignatureState.Invalidated,
                InvalidatedBecause = suspicion,
                HeldBecause = heldBecause,
                AddressHash = source?.Address,
                NetworkHash = source?.Network,
                EmailDomainKey = emailDomain.Key,
            },
            ConfirmationEmail = suspicion is null
                ? outbox.Prepare(SignerEmails.ConfirmationKind, emails.Confirmation(Campaign, Input.TrimmedName, Input.TrimmedEmail, emailKey, token, locale))
                : null,
            Proof = spent,
            Email = Input.TrimmedEmail,
            Locale = locale,
        };
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
        Response.Headers.CacheControl = "no-store";
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
                return Redirect($"/c/{sponsored.Campaign.Slug}");
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
        Input.Started ??= bots.IssueStamp();
        Comment.Started ??= bots.IssueStamp();
        Campaign = await CampaignCache.WithCurrentCountAsync(db, Campaign, cancellationToken);
        return Page();
    }
}

/// <summary>Why a sponsor link shows no campaign.</summary>
public enum SponsorLinkProblem
{
    /// <summary>No campaign has this link: mistyped, cut short, or made up.</summary>
    Unknown,

    /// <summary>The campaign has its supporting signatures and waits for a moderator.</summary>
    WaitingForReview,

    /// <summary>A moderator sent it back: its organisers are mending it, and the link works again once they send it on.</summary>
    BeingChanged,

    Withdrawn,
}
