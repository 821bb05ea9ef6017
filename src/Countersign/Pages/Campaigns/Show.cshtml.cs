using System.Globalization;
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
    MarkdownRenderer markdown,
    PersonalDataProtector protector,
    SignerEmails emails,
    Outbox outbox,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public string BodyHtml { get; private set; } = "";

    [BindProperty]
    public SignatureForm Input { get; set; } = new();

    public async Task<IActionResult> OnGetAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        return Page();
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
            return Page();
        }

        // Our own validation decides; binding errors (a host id that is not a number, say) are just bad input.
        ModelState.Clear();
        foreach (var (field, problem) in Input.Validate(Campaign))
        {
            ModelState.AddModelError($"{nameof(Input)}.{field}", t[problem]);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        await SignAsync(cancellationToken);
        outbox.WakeSender();

        // Every outcome (first signature, pending, already confirmed) leads to the same page,
        // so nobody can learn from it whether an address has signed; the email tells the owner.
        return RedirectToPage("/Signing/CheckEmail", new { slug = Campaign.Slug });
    }

    private async Task SignAsync(CancellationToken cancellationToken)
    {
        var emailKey = protector.EmailKey(EmailAddress.Normalise(Input.TrimmedEmail));
        var existing = await FindAsync(emailKey, cancellationToken);
        if (existing is null)
        {
            try
            {
                await AddPendingSignatureAsync(emailKey, cancellationToken);
                return;
            }
            catch (DbUpdateException)
            {
                // The same address signed at the same moment in another request: the unique key
                // kept one row, and this request continues as a repeat signature.
                db.ChangeTracker.Clear();
                existing = await FindAsync(emailKey, cancellationToken);
                if (existing is null)
                {
                    throw;
                }
            }
        }

        await RepeatSignatureAsync(existing, cancellationToken);
    }

    private Task<Signature?> FindAsync(byte[] emailKey, CancellationToken cancellationToken) =>
        db.Signatures.FirstOrDefaultAsync(s => s.CampaignId == Campaign.Id && s.EmailKey == emailKey, cancellationToken);

    private async Task AddPendingSignatureAsync(byte[] emailKey, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var expiresAt = ConfirmationToken.ExpiryFrom(now);
        var token = ConfirmationToken.Create(protector, Campaign.Id, emailKey, expiresAt);
        var locale = CultureInfo.CurrentUICulture.Name;
        var showName = Input.ShowName == SignatureForm.Yes;
        db.Signatures.Add(new Signature
        {
            CampaignId = Campaign.Id,
            NameCiphertext = protector.Encrypt(Input.TrimmedName),
            EmailCiphertext = protector.Encrypt(Input.TrimmedEmail),
            EmailKey = emailKey,
            PostcodeCiphertext = Input.TrimmedPostcode is { } postcode ? protector.Encrypt(postcode) : null,
            CountryCode = Input.CountryCode,
            ShowNamePublicly = showName,
            PublicName = showName ? Input.TrimmedName : null,
            UpdatesFromHostIds = Input.HostsToHearFrom(Campaign).ToList(),
            Locale = locale,
            CreatedAt = now,
            ConfirmationTokenHash = ConfirmationToken.Hash(token),
            ConfirmationTokenExpiresAt = expiresAt,
        });
        outbox.Add(db, SignerEmails.ConfirmationKind, emails.Confirmation(Campaign, Input.TrimmedName, Input.TrimmedEmail, token, locale));
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task RepeatSignatureAsync(Signature existing, CancellationToken cancellationToken)
    {
        var locale = CultureInfo.CurrentUICulture.Name;
        if (existing.State == SignatureState.Confirmed)
        {
            outbox.Add(db, SignerEmails.AlreadySignedKind, emails.AlreadySigned(Campaign, Input.TrimmedName, Input.TrimmedEmail, locale));
        }
        else if (existing.State == SignatureState.Pending)
        {
            // The same link again while it has time left (so a double click leaves no dead link),
            // otherwise a fresh one.
            var now = clock.GetUtcNow().UtcDateTime;
            if (existing.ConfirmationTokenExpiresAt is not { } expiresAt || expiresAt - now < ConfirmationToken.MinimumRemaining)
            {
                expiresAt = ConfirmationToken.ExpiryFrom(now);
                existing.ConfirmationTokenExpiresAt = expiresAt;
            }

            var token = ConfirmationToken.Create(protector, Campaign.Id, existing.EmailKey, expiresAt);
            existing.ConfirmationTokenHash = ConfirmationToken.Hash(token);
            outbox.Add(db, SignerEmails.ConfirmationKind, emails.Confirmation(Campaign, Input.TrimmedName, Input.TrimmedEmail, token, locale));
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.FindPublicAsync(slug, cancellationToken);
        if (campaign is null)
        {
            return false;
        }

        Campaign = campaign;
        BodyHtml = markdown.ToHtml(campaign.BodyMarkdown);
        return true;
    }
}
