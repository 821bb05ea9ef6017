using Countersign.Campaigns;
using Countersign.Hosting;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Countersign.Email;

/// <summary>The emails a signer receives, written in the language they signed in.</summary>
public sealed class SignerEmails(IStringLocalizer<SharedResource> t, IOptions<SiteOptions> site, IOptions<EmailOptions> email, PersonalDataProtector protector)
{
    // Parsed once: MimeKit's parser takes a process-wide lock that a signing flood would queue on.
    // Each message gets its own copy (see Compose).
    private readonly Lazy<MailboxAddress> _from = new(() => MailboxAddress.Parse(email.Value.From));

    public const string ConfirmationKind = "confirmation";
    public const string AlreadySignedKind = "already-signed";

    public MimeMessage Confirmation(Campaign campaign, string name, string address, byte[] emailKey, string token, string locale)
    {
        using var language = new CultureScope(locale);
        var link = site.Value.Link($"confirm/{token}");
        var text = string.Join("\n\n",
            t["Hello {0},", name],
            t["Thank you for signing “{0}”. Your signature counts once you confirm it by opening this link:", campaign.Title],
            link,
            t["The link works for 7 days. If you did not sign, ignore this email: nothing is counted and your details are deleted after 7 days."],
            EraseParagraph(campaign, emailKey),
            "— " + site.Value.Name);
        return Compose(address, name, t["Confirm your signature: {0}", campaign.Title], text);
    }

    public MimeMessage AlreadySigned(Campaign campaign, string name, string address, byte[] emailKey, string locale)
    {
        using var language = new CultureScope(locale);
        var text = string.Join("\n\n",
            t["Hello {0},", name],
            t["Someone, probably you, just tried to sign “{0}” with this email address. You have already signed and confirmed it, so your signature is counted once and nothing changes.", campaign.Title],
            site.Value.Link($"c/{campaign.Slug}"),
            EraseParagraph(campaign, emailKey),
            "— " + site.Value.Name);
        return Compose(address, name, t["You have already signed: {0}", campaign.Title], text);
    }

    /// <summary>Every email a signer gets tells them how to take their signature and details back.</summary>
    private string EraseParagraph(Campaign campaign, byte[] emailKey) =>
        t["Changed your mind? You can erase your signature and everything we hold about you at any time: {0}", site.Value.Link($"erase/{EraseLink.Create(protector, campaign.Id, emailKey)}")];

    private MimeMessage Compose(string address, string name, string subject, string text)
    {
        var message = new MimeMessage();
        // A copy, never the shared address itself: a message subscribes to the changes of every
        // address it holds, so sharing one would keep every message ever written alive.
        message.From.Add(new MailboxAddress(_from.Value.Name, _from.Value.Address));
        message.To.Add(new MailboxAddress(name, address));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }
}
