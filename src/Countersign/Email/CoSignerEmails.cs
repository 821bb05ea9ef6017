using Countersign.Campaigns;
using Countersign.Hosting;
using Countersign.Letters;
using Countersign.Privacy;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Countersign.Email;

/// <summary>
/// The emails the person who authorised an organisation's co-signature receives at each step, in the language they
/// used on the form. Every one but the last carries the link that withdraws the co-signature (<see cref="CoSignatureLink.Withdrawal"/>).
/// </summary>
public sealed class CoSignerEmails(IStringLocalizer<SharedResource> t, IOptions<SiteOptions> site, IOptions<EmailOptions> email, PersonalDataProtector protector)
{
    public const string ConfirmationKind = "cosign-confirmation";
    public const string VerifiedKind = "cosign-verified";
    public const string ApprovedKind = "cosign-approved";
    public const string RejectedKind = "cosign-rejected";
    public const string WithdrawnKind = "cosign-withdrawn";
    public const string TextChangedKind = "cosign-text-changed";
    public const string DomainProvedKind = "cosign-dns-proved";

    /// <summary>The link that confirms the contact's address; the co-signature then goes to the organisers.</summary>
    public MimeMessage Confirmation(Campaign campaign, CoSignerContact contact, string organisation, string token)
    {
        using var language = new CultureScope(contact.Locale);
        return Compose(contact, t["Confirm your organisation's signature: {0}", campaign.Title],
            t["Thank you for signing the open letter of “{0}” on behalf of {1}. Confirm your email address by opening this link; the campaign's organisers then review the signature before it is published:", campaign.Title, organisation],
            site.Value.Link($"letters/confirm/{token}"),
            t["The link works for 7 days. If you did not sign, ignore this email: nothing is published and your details are deleted."],
            WithdrawalParagraph(contact));
    }

    /// <summary>
    /// The address is confirmed; says whether it also showed the organisation's domain, and gives the link to the page
    /// where the organisation can prove its domain with a DNS record (<see cref="DomainProof"/>), instead or as well.
    /// </summary>
    public MimeMessage Verified(Campaign campaign, CoSignerContact contact, string organisation, bool domainVerified)
    {
        using var language = new CultureScope(contact.Locale);
        return Compose(contact, t["Your email address is confirmed: {0}", campaign.Title],
            t["Your email address is confirmed, and the signature of {0} now waits for the organisers of “{1}”. We will write again once they have decided.", organisation, campaign.Title],
            domainVerified
                ? t["Your address is at the organisation's own domain, so the letter will show it as domain verified. You can also prove the domain with a DNS record, which the letter shows as well:"]
                : t["Your address is not at the domain of the organisation's website, so the letter will not show it as domain verified, unless you prove the domain with a DNS record. The organisers may ask you how you are entitled to sign. To prove the domain, publish the record this page gives you:"],
            DomainProofAddress(contact.CoSignatureId),
            WithdrawalParagraph(contact));
    }

    /// <summary>The DNS record was found: the letter shows the organisation's domain as verified by DNS.</summary>
    public MimeMessage DomainProved(Campaign campaign, CoSignerContact contact, string organisation, string recordName)
    {
        using var language = new CultureScope(contact.Locale);
        return Compose(contact, t["Your organisation's domain is verified: {0}", campaign.Title],
            t["We found the DNS record at {0}: the domain of {1} is verified. The open letter of “{2}” shows it as verified by DNS once the organisers have approved the signature.", recordName, organisation, campaign.Title],
            t["The record has done its job: you may remove it."],
            WithdrawalParagraph(contact));
    }

    /// <summary>The page where the organisation proves its domain by DNS, for the confirmed page and the emails.</summary>
    public string DomainProofAddress(long coSignatureId) => site.Value.Link($"letters/domain/{CoSignatureLink.DomainProof.Create(protector, coSignatureId)}");

    public MimeMessage Approved(Campaign campaign, CoSignerContact contact, string organisation)
    {
        using var language = new CultureScope(contact.Locale);
        return Compose(contact, t["Your organisation's signature is published: {0}", campaign.Title],
            t["The organisers of “{0}” approved the signature of {1}: it is now listed on the open letter.", campaign.Title, organisation],
            site.Value.Link($"c/{campaign.Slug}/letter"),
            WithdrawalParagraph(contact));
    }

    public MimeMessage Rejected(Campaign campaign, CoSignerContact contact, string organisation, string reason)
    {
        using var language = new CultureScope(contact.Locale);
        return Compose(contact, t["Your organisation's signature was not accepted: {0}", campaign.Title],
            t["The organisers of “{0}” did not accept the signature of {1}, for this reason:", campaign.Title, organisation],
            reason,
            t["Nothing about it is published. If you think this is a mistake, reply to the campaign's organisers."]);
    }

    /// <summary>
    /// The letter's text changed after the organisation signed it: its signature stays on the version it signed, and the
    /// letter shows the differences; the contact may withdraw.
    /// </summary>
    public MimeMessage TextChanged(Campaign campaign, CoSignerContact contact, string organisation, int signedVersion)
    {
        using var language = new CultureScope(contact.Locale);
        return Compose(contact, t["The open letter you signed has changed: {0}", campaign.Title],
            t["The organisers of “{0}” changed the text of its open letter, after a review. The signature of {1} stays on version {2}, the text you signed: nobody is moved to words they did not sign.", campaign.Title, organisation, signedVersion],
            t["Read the new text and what changed, line by line:"],
            site.Value.Link($"c/{campaign.Slug}/letter"),
            t["If your organisation no longer wishes to be on the letter, withdraw its signature with the link below. Otherwise there is nothing to do."],
            WithdrawalParagraph(contact));
    }

    public MimeMessage Withdrawn(Campaign campaign, CoSignerContact contact, string organisation)
    {
        using var language = new CultureScope(contact.Locale);
        return Compose(contact, t["Your organisation's signature is withdrawn: {0}", campaign.Title],
            t["The signature of {0} is withdrawn from the open letter of “{1}”: it no longer appears on the letter or in its data. The organisers keep a record that it was withdrawn.", organisation, campaign.Title]);
    }

    private string WithdrawalParagraph(CoSignerContact contact) =>
        t["To withdraw your organisation's signature at any time, open this link: {0}", site.Value.Link($"letters/withdraw/{CoSignatureLink.Withdrawal.Create(protector, contact.CoSignatureId)}")];

    private MimeMessage Compose(CoSignerContact contact, string subject, params string[] paragraphs)
    {
        var message = new MimeMessage();
        var from = MailboxAddress.Parse(email.Value.From);
        message.From.Add(from);
        message.To.Add(new MailboxAddress(contact.Name, contact.Address));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = string.Join("\n\n", [t["Hello {0},", contact.Name], .. paragraphs, "— " + site.Value.Name]) };
        return message;
    }
}

/// <summary>Whom a co-signature's emails go to: the contact who authorised it, by name and address, in their language.</summary>
public sealed record CoSignerContact(long CoSignatureId, string Name, string Address, string Locale)
{
    /// <summary>
    /// Whether there is anyone to write to: once the campaign's personal data is erased, the contact's details are gone
    /// and the organisation's signature stays on the letter with nobody behind it to tell.
    /// </summary>
    public bool CanBeEmailed => Address.Length > 0;

    /// <summary>The contact of <paramref name="signature"/>, decrypted with its campaign's cipher (empty once erased).</summary>
    public static CoSignerContact Of(Letters.CoSignature signature, Privacy.CampaignCipher cipher) =>
        new(signature.Id, Reveal(cipher, signature.ContactNameCiphertext), Reveal(cipher, signature.ContactEmailCiphertext), signature.Locale);

    /// <summary>A contact's detail, or nothing once erased (see <see cref="Privacy.Erasure.ShredCampaignAsync"/>).</summary>
    public static string Reveal(Privacy.CampaignCipher cipher, byte[] ciphertext) => ciphertext.Length == 0 ? "" : cipher.DecryptString(ciphertext);
}
