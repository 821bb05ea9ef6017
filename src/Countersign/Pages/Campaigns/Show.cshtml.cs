using System.Data.Common;
using System.Globalization;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Campaigns;

/// <summary>
/// The campaign page and its signing form; also, at /c/{slug}/sponsor/{token}, the same page for the holders of a
/// campaign's sponsor link while it gathers the supporting signatures it needs before review.
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
    public string BodyHtml { get; private set; } = "";
    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];

    /// <summary>The campaign's published updates, newest first.</summary>
    public IReadOnlyList<PublishedUpdate> Updates { get; private set; } = [];

    /// <summary>The intake queue was full: the page asks the signer to press Sign again.</summary>
    public bool Busy { get; private set; }

    [BindProperty]
    public SignatureForm Input { get; set; } = new();

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

        // Checked only once the rest is right: checking spends the challenge, and a person
        // correcting a field should not have to wait for a new one.
        SpentChallenge? spent = null;
        var suspicion = ModelState.IsValid ? CheckProofOfWork(out spent) : null;
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
    /// A missing, forged or expired proof of work is a problem the person can fix (their browser
    /// solves a new challenge); a solution used before is a script's, or a double click, and is
    /// answered like any signature but stored invalidated.
    /// </summary>
    private string? CheckProofOfWork(out SpentChallenge? spent)
    {
        spent = null;
        if (!proofOfWork.Enabled)
        {
            return null;
        }

        switch (proofOfWork.Check(Request.Form[ProofOfWork.FormField], Campaign.Id, out spent))
        {
            case ProofOfWorkResult.Solved:
                return null;
            case ProofOfWorkResult.Replayed:
                return BotChecks.ReplayedReason;
            case ProofOfWorkResult.Expired:
                ModelState.AddModelError(ProofOfWorkField, t["The anti-spam check expired while the page was open. It has started again: press Sign once it shows as done."]);
                return null;
            default:
                ModelState.AddModelError(ProofOfWorkField, t["Wait a moment for the anti-spam check to finish (it runs in your browser, no data leaves it), then press Sign again."]);
                return null;
        }
    }

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
            Name = Input.TrimmedName,
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
    }

    /// <summary>Before showing the page, the count as committed now (a signature POST does not need it).</summary>
    private async Task<PageResult> ShowPageAsync(CancellationToken cancellationToken)
    {
        // A form shown again keeps the time it was first handed out, like the rest of what was typed.
        Input.Started ??= bots.IssueStamp();
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
