using System.Globalization;
using System.Net;
using Countersign.Campaigns;
using Countersign.Hosting;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Updates;
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
    public const string UpdateKind = "update";

    /// <summary>An update's email sent to an organiser alone, to check it: no delivery of the update, and not counted as one.</summary>
    public const string UpdateTestKind = "update-test";
    public const string CommentConfirmationKind = "comment-confirmation";

    /// <summary>
    /// The link that confirms a signature. <paramref name="name"/> is null when the link goes again
    /// because someone signed again: whoever that was chose the name, and it is not repeated to the address's owner.
    /// </summary>
    public MimeMessage Confirmation(Campaign campaign, string? name, string address, byte[] emailKey, string token, string locale)
    {
        using var language = new CultureScope(locale);
        var link = site.Value.Link($"confirm/{token}");
        var text = string.Join("\n\n",
            name is null ? t["Hello,"] : t["Hello {0},", name],
            // Not "counts once you confirm": a signature held by a rate limit does not, and the email cannot say so.
            t["Thank you for signing “{0}”. Your signature is not counted until you confirm it by opening this link:", campaign.Title],
            link,
            t["The link works for 7 days. If you did not sign, ignore this email: nothing is counted and your details are deleted after 7 days."],
            EraseParagraph(campaign, emailKey),
            "— " + site.Value.Name);
        return Compose(address, name, t["Confirm your signature: {0}", campaign.Title], text);
    }

    /// <summary>The link that confirms a comment's email address; a pre-moderated comment then waits for a moderator.</summary>
    public MimeMessage CommentConfirmation(Campaign campaign, string name, string address, byte[] emailKey, string token, string locale)
    {
        using var language = new CultureScope(locale);
        var text = string.Join("\n\n",
            t["Hello {0},", name],
            campaign.CommentMode == Comments.CommentMode.PreModerated
                ? t["Thank you for your comment on “{0}”. Confirm your email address by opening this link; a moderator then reads your comment before it is published:", campaign.Title]
                : t["Thank you for your comment on “{0}”. It is published once you confirm your email address by opening this link:", campaign.Title],
            site.Value.Link($"comments/confirm/{token}"),
            t["The link works for 7 days. If you did not write this comment, ignore this email: nothing is published and your details are deleted after 7 days."],
            t["Your email address is never shown; your name and comment are."],
            t["Changed your mind? You can delete your comments and everything we hold about you at any time: {0}", EraseLinkFor(campaign, emailKey)],
            "— " + site.Value.Name);
        return Compose(address, name, t["Confirm your comment: {0}", campaign.Title], text);
    }

    /// <summary>
    /// To an address that has signed, when someone signs with it again. It greets nobody by name:
    /// anyone can type anyone's address, and with it any name.
    /// </summary>
    public MimeMessage AlreadySigned(Campaign campaign, string address, byte[] emailKey, string locale)
    {
        using var language = new CultureScope(locale);
        var text = string.Join("\n\n",
            t["Hello,"],
            t["Someone, probably you, just tried to sign “{0}” with this email address. You have already signed and confirmed it, so your signature is counted once and nothing changes.", campaign.Title],
            // A campaign gathering supporting signatures is reached only through its sponsor link.
            site.Value.Link(campaign.IsPublic || campaign.SponsorPath is null ? $"c/{campaign.Slug}" : campaign.SponsorPath),
            EraseParagraph(campaign, emailKey),
            "— " + site.Value.Name);
        return Compose(address, name: null, t["You have already signed: {0}", campaign.Title], text);
    }

    /// <summary>
    /// An update, to a signer who agreed to hear from its host. It says why they get it and carries
    /// the host's one-click unsubscribe (RFC 8058: the List-Unsubscribe headers, which mail clients
    /// show as a button, and a visible link) and the erase link. <paramref name="bodyHtml"/> is the
    /// update's Markdown rendered once for all its recipients.
    /// </summary>
    public MimeMessage Update(Campaign campaign, CampaignUpdate update, string bodyHtml, long signatureId, string name, string address, byte[] emailKey, string locale)
    {
        using var language = new CultureScope(locale);
        var unsubscribe = site.Value.Link($"u/{UnsubscribeLink.Create(protector, signatureId, update.HostId)}");
        var message = UpdateMessage(campaign, update, bodyHtml, name, address, unsubscribe, EraseLinkFor(campaign, emailKey), test: false);
        message.Headers.Add(HeaderId.ListUnsubscribe, $"<{unsubscribe}>");
        message.Headers.Add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
        return message;
    }

    /// <summary>
    /// The same email, to the organiser checking it before it goes (in their own language): marked as a test in its
    /// subject and first line, with placeholders where each signer's name and personal links go.
    /// </summary>
    public MimeMessage UpdateTest(Campaign campaign, CampaignUpdate update, string bodyHtml, string address, string locale)
    {
        using var language = new CultureScope(locale);
        var personal = t["[the signer's own link]"].Value;
        return UpdateMessage(campaign, update, bodyHtml, t["[signer's name]"], address, personal, personal, test: true);
    }

    private MimeMessage UpdateMessage(Campaign campaign, CampaignUpdate update, string bodyHtml, string name, string address, string unsubscribe, string erase, bool test)
    {
        var online = site.Value.Link($"c/{campaign.Slug}/updates/{update.Id}");
        var testNote = t["This is a test, sent to you alone: no signer has been sent anything yet. Signers get this text with their own name, and their own links to unsubscribe and to erase their signature; the link to read it online works once it is published."].Value;
        var text = string.Join("\n\n", (test ? [testNote] : Array.Empty<string>()).Concat([
            t["Hello {0},", name],
            update.BodyMarkdown.Trim(),
            t["Read this update online: {0}", online],
            "— " + update.HostName,
            t["You receive this email because you signed “{0}” and agreed to hear from {1}.", campaign.Title, update.HostName],
            t["To stop receiving updates from {0}, open this link: {1}", update.HostName, unsubscribe],
            t["Changed your mind? You can erase your signature and everything we hold about you at any time: {0}", erase]]));
        var html = string.Concat(
            $"<!DOCTYPE html>\n<html lang=\"{Encode(CultureInfo.CurrentUICulture.Name)}\"><head><meta charset=\"utf-8\"><title>{Encode(update.Title)}</title></head><body>\n",
            test ? $"<p><strong>{Encode(testNote)}</strong></p>\n<hr>\n" : "",
            $"<p>{Html(t["Hello {0},"], Encode(name))}</p>\n",
            // The email speaks the signer's language; the update quotes the campaign's, which may be another.
            $"<div lang=\"{Encode(campaign.Language)}\" dir=\"{campaign.TextDirection}\">\n{bodyHtml}\n</div>",
            $"\n<p>{Html(t["Read this update online: {0}"], Link(online))}</p>\n",
            $"<p>— {Encode(update.HostName)}</p>\n<hr>\n",
            $"<p><small>{Html(t["You receive this email because you signed “{0}” and agreed to hear from {1}."], Quote(campaign, campaign.Title), Encode(update.HostName))}</small></p>\n",
            $"<p><small>{Html(t["To stop receiving updates from {0}, open this link: {1}"], Encode(update.HostName), test ? Encode(unsubscribe) : Link(unsubscribe))}</small></p>\n",
            $"<p><small>{Html(t["Changed your mind? You can erase your signature and everything we hold about you at any time: {0}"], test ? Encode(erase) : Link(erase))}</small></p>\n",
            "</body></html>\n");

        var subject = test ? t["Test: {0}", update.Title].Value : update.Title;
        return Compose(address, test ? null : name, subject, text, html, fromName: t["{0} via {1}", update.HostName, _from.Value.Name ?? site.Value.Name]);
    }

    /// <summary>Every email a signer gets tells them how to take their signature and details back.</summary>
    private string EraseParagraph(Campaign campaign, byte[] emailKey) =>
        t["Changed your mind? You can erase your signature and everything we hold about you at any time: {0}", EraseLinkFor(campaign, emailKey)];

    private string EraseLinkFor(Campaign campaign, byte[] emailKey) => site.Value.Link($"erase/{EraseLink.Create(protector, campaign.Id, emailKey)}");

    /// <summary>A localised sentence as HTML: the sentence is encoded, its arguments are HTML already.</summary>
    private static string Html(string template, params object[] htmlArguments) =>
        string.Format(CultureInfo.CurrentCulture, Encode(template), htmlArguments);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    /// <summary>Words of the campaign inside a sentence of the email, marked with the campaign's language.</summary>
    private static string Quote(Campaign campaign, string text) => $"<span lang=\"{Encode(campaign.Language)}\" dir=\"{campaign.TextDirection}\">{Encode(text)}</span>";

    private static string Link(string url) => $"<a href=\"{Encode(url)}\">{Encode(url)}</a>";

    private MimeMessage Compose(string address, string? name, string subject, string text, string? html = null, string? fromName = null)
    {
        var message = new MimeMessage();
        // A copy, never the shared address itself: a message subscribes to the changes of every
        // address it holds, so sharing one would keep every message ever written alive.
        message.From.Add(new MailboxAddress(fromName ?? _from.Value.Name, _from.Value.Address));
        message.To.Add(new MailboxAddress(name, address));
        message.Subject = subject;
        message.Body = html is null ? new TextPart("plain") { Text = text } : new BodyBuilder { TextBody = text, HtmlBody = html }.ToMessageBody();
        return message;
    }
}
