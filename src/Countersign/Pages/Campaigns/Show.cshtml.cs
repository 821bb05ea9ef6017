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

namespace Countersign.Pages.Campaigns;

/// <summary>The campaign page and its signing form.</summary>
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
    IStringLocalizer<SharedResource> t) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
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

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        if (Campaign.AcceptsSignatures)
        {
            // The campaign's data key is made (once) when its form is first handed out, so that
            // signing, even at its busiest, only ever reads it.
            await campaignKeys.ForCampaignAsync(Campaign.Id, cancellationToken);
        }

        return await ShowPageAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        if (!Campaign.AcceptsSignatures)
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
        return RedirectToPage("/Signing/CheckEmail", new { slug = Campaign.Slug });
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

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return false;
        }

        Campaign = cached.Campaign;
        BodyHtml = cached.BodyHtml;
        Timeline = cached.Timeline;
        Updates = cached.Updates;
        return true;
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
