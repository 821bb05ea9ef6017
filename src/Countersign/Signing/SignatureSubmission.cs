using System.Data.Common;
using System.Globalization;
using System.Net;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Email;
using Countersign.Privacy;

namespace Countersign.Signing;

/// <summary>
/// Takes a campaign's signing form from the page: its checks (<see cref="FormChecks"/>), then the
/// signature encrypted and sealed on the request's thread and handed to <see cref="SignatureIntake"/>,
/// which leaves its writer only the decision and the write.
/// </summary>
public sealed class SignatureSubmission(
    SignatureIntake intake,
    FormChecks checks,
    CampaignKeys campaignKeys,
    PersonalDataProtector protector,
    SignerEmails emails,
    Outbox outbox,
    NetworkAddresses networks,
    SigningRates rates,
    TimeProvider clock)
{
    /// <summary>
    /// The campaign's data key is made (once) when its form is first handed out, so that signing,
    /// even at its busiest, only ever reads it.
    /// </summary>
    public async Task HandOutFormAsync(int campaignId, CancellationToken cancellationToken) =>
        await campaignKeys.ForCampaignAsync(campaignId, cancellationToken);

    /// <summary>
    /// Checks the form and hands the signature to the intake. Every outcome that is taken (first
    /// signature, pending, already confirmed, a script's) answers the same, so nobody can learn
    /// whether an address has signed; the email tells the owner.
    /// </summary>
    public async Task<FormOutcome> SubmitAsync(Campaign campaign, SignatureForm form, string? proof, IPAddress? address, CancellationToken cancellationToken)
    {
        var check = checks.Check(form.Validate(campaign), form.Website, form.Started, nameof(SignatureForm.Started), proof, campaign.Id, ProofOfWorkPurpose.Signing);
        if (check.StampOutOfDate)
        {
            form.Started = null;
        }

        if (check.Problems.Count > 0)
        {
            return FormOutcome.Invalid(check.Problems);
        }

        try
        {
            var source = await networks.HashAsync(address, cancellationToken);
            var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
            await intake.SignAsync(Prepare(campaign, form, check.Suspicion, source, cipher, check.Spent));
        }
        catch (Exception exception) when (exception is IntakeBusyException or DbException)
        {
            // The queue is full or the database cannot be reached just now: the form comes back as
            // typed, with a request to press Sign again shortly.
            return FormOutcome.Busy;
        }

        outbox.WakeSender();
        return FormOutcome.Taken;
    }

    /// <summary>
    /// Encrypts and seals everything on this request's thread, leaving the writer only the decision
    /// and the write. A submission caught by a bot check is stored invalidated, with no email; one
    /// over a rate limit goes through confirmation as usual but is held, not counted.
    /// </summary>
    private SignRequest Prepare(Campaign campaign, SignatureForm form, string? suspicion, HashedSource? source, CampaignCipher cipher, SpentChallenge? spent)
    {
        var emailDomain = rates.DomainOf(form.TrimmedEmail);
        var heldBecause = rates.Count(campaign.Id, source, emailDomain);
        var now = clock.GetUtcNow().UtcDateTime;
        var emailKey = protector.EmailKey(EmailAddress.Normalise(form.TrimmedEmail));
        var expiresAt = ConfirmationToken.ExpiryFrom(now);
        var token = ConfirmationToken.Create(protector, campaign.Id, emailKey, expiresAt);
        var locale = CultureInfo.CurrentUICulture.Name;
        var showName = form.ShowName == SignatureForm.Yes;
        return new SignRequest
        {
            Campaign = campaign,
            Signature = new Signature
            {
                CampaignId = campaign.Id,
                NameCiphertext = cipher.Encrypt(form.TrimmedName),
                EmailCiphertext = cipher.Encrypt(form.TrimmedEmail),
                EmailKey = emailKey,
                PostcodeCiphertext = form.TrimmedPostcode is { } postcode ? cipher.Encrypt(postcode) : null,
                CountryCode = form.CountryCode,
                ShowNamePublicly = showName,
                UpdatesFromHostIds = form.HostsToHearFrom(campaign).ToList(),
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
                Referral = Referral.Parse(form.Via),
                ReferredByHostId = Referral.CreditedHostId(campaign, form.Via),
            },
            ConfirmationEmail = suspicion is null
                ? outbox.Prepare(SignerEmails.ConfirmationKind, emails.Confirmation(campaign, form.TrimmedName, form.TrimmedEmail, emailKey, token, locale))
                : null,
            Proof = spent,
            Email = form.TrimmedEmail,
            Locale = locale,
        };
    }
}
