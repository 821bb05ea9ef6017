using System.Globalization;
using Countersign.Hosting;
using Countersign.Localisation;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Countersign.Email;

/// <summary>
/// The emails staff receive: invitations (in the language of the person who invited) and news of
/// their campaigns (in the language of the request or job that sends them).
/// </summary>
public sealed class StaffEmails(IStringLocalizer<SharedResource> t, IOptions<SiteOptions> site, IOptions<EmailOptions> email)
{
    public const string InvitationKind = "staff-invitation";
    public const string MilestoneKind = "milestone";
    public const string CoSignatureWaitingKind = "cosignature-waiting";

    /// <param name="role">The role offered: a campaign role for a campaign's team, else a global role or null.</param>
    public MimeMessage Invitation(string address, string token, string? campaignTitle, string? role)
    {
        var what = (campaignTitle, role) switch
        {
            ({ } title, { } campaignRole) => t["You are invited to join the team of the campaign “{0}” on {1}, as {2}.", title, site.Value.Name, t[campaignRole].Value],
            (null, { } globalRole) => t["You are invited to join the staff of {0}, as {1}.", site.Value.Name, t[globalRole].Value],
            _ => t["You are invited to join the staff of {0}.", site.Value.Name],
        };
        var text = string.Join("\n\n",
            t["Hello,"],
            what,
            t["To accept, open this link and choose a password; you will then set up an authenticator app, which every staff account needs:"],
            site.Value.Link($"staff/invitation/{token}"),
            t.Plural("The link works for {0, plural, one {# day} other {# days}}. If you did not expect this invitation, ignore this email: no account is made.", (int)Staff.StaffInvitation.ValidFor.TotalDays),
            "— " + site.Value.Name);
        return Compose(address, t["Your invitation to {0}", site.Value.Name], text);
    }

    public MimeMessage MilestoneReached(string address, string campaignTitle, int campaignId, int milestone)
    {
        var text = string.Join("\n\n",
            t["Hello,"],
            t.Plural("The campaign “{0}” has passed {1, plural, one {# confirmed signature} other {# confirmed signatures}}. The milestone is now on its timeline.", campaignTitle, milestone),
            site.Value.Link($"staff/campaigns/{campaignId}/timeline"),
            t["You receive this as an organiser of the campaign. To stop these emails, untick them on the campaign's Team page:"],
            site.Value.Link($"staff/campaigns/{campaignId}/members"),
            "— " + site.Value.Name);
        return Compose(address, t.Plural("{0, plural, one {# signature} other {# signatures}}: {1}", milestone, campaignTitle), text);
    }

    /// <summary>
    /// An organisation's contact confirmed their address: its co-signature of the campaign's letter waits for the
    /// organisers. Names the organisation as it will appear in public, never its contact.
    /// </summary>
    public MimeMessage CoSignatureWaiting(string address, string campaignTitle, int campaignId, string organisation)
    {
        var text = string.Join("\n\n",
            t["Hello,"],
            t["{0} has signed the open letter of the campaign “{1}”, and the person who signed for it has confirmed their email address. The signature waits for your decision before it appears on the letter:", organisation, campaignTitle],
            site.Value.Link($"staff/campaigns/{campaignId}/signatories"),
            t["You receive this as an organiser of the campaign."],
            "— " + site.Value.Name);
        return Compose(address, t["An organisation waits for your decision: {0}", campaignTitle], text);
    }

    private MimeMessage Compose(string address, string subject, string text)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(email.Value.From));
        message.To.Add(MailboxAddress.Parse(address));
        message.Subject = subject;
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }
}
