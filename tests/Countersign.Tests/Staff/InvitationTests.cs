using System.Net;
using System.Text.RegularExpressions;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Countersign.Tests.Staff;

/// <summary>
/// New staff join by an emailed invitation, never by registering: an admin invites with global
/// roles, an organiser invites into their campaign's team; the invited person chooses a password
/// and goes straight on to set up the authenticator app.
/// </summary>
public abstract partial class InvitationTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_let_an_admin_invite_a_moderator_who_sets_a_password_and_an_authenticator()
    {
        var admin = await Site.Staff.SignedInAsync("admin@example.org", StaffRoles.Admin);

        var bad = await FormFiller.PostAsync(admin, "/staff/users?handler=Invite", [new("Email", "not an address"), new("Roles", StaffRoles.Moderator)]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var badPage = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
        Assert.Contains("Enter an email address like name@example.org.", badPage, StringComparison.Ordinal);
        Assert.Contains("value=\"not an address\"", badPage, StringComparison.Ordinal);
        var taken = await FormFiller.PostAsync(admin, "/staff/users?handler=Invite", [new("Email", "Admin@Example.org")]);
        Assert.Contains("A staff account already uses this address.", WebUtility.HtmlDecode(await taken.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var sent = await FormFiller.PostAsync(admin, "/staff/users?handler=Invite", [new("Email", " Moderator@Example.org "), new("Roles", StaffRoles.Moderator)]);
        Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
        Assert.Contains($"We emailed an invitation to moderator@example.org. It works for {StaffInvitation.ValidFor.TotalDays} days.",
            WebUtility.HtmlDecode(await admin.GetStringAsync(sent.Headers.Location!.OriginalString)), StringComparison.Ordinal);
        var again = await FormFiller.PostAsync(admin, "/staff/users?handler=Invite", [new("Email", "moderator@example.org")]);
        Assert.Contains("An invitation to this address is already waiting.", WebUtility.HtmlDecode(await again.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var users = WebUtility.HtmlDecode(await admin.GetStringAsync("/staff/users"));
        Assert.Contains("Invitations waiting", users, StringComparison.Ordinal);
        Assert.Contains("moderator@example.org", users, StringComparison.Ordinal);

        var email = Assert.Single(await Site.Mailbox.EmailsAsync(1));
        Assert.Equal("moderator@example.org", email.To.Mailboxes.Single().Address);
        Assert.Contains("as moderator", email.TextBody, StringComparison.Ordinal);
        var link = InvitationPath(email);

        // The invited person: clear refusals that keep the invitation open, then a working password.
        var invited = Site.Browser();
        Assert.Contains("moderator@example.org", await invited.GetStringAsync(link), StringComparison.Ordinal);
        var tooShort = await FormFiller.PostAsync(invited, link, [new("password", "short"), new("repeatPassword", "short")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort.StatusCode);
        Assert.Contains("Choose a password of at least 12 characters.", WebUtility.HtmlDecode(await tooShort.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var different = await FormFiller.PostAsync(invited, link, [new("password", TestStaff.Password), new("repeatPassword", TestStaff.Password + "!")]);
        Assert.Contains("The two passwords are not the same.", WebUtility.HtmlDecode(await different.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.False(await Site.QueryAsync(db => db.StaffUsers.AnyAsync(u => u.Email == "moderator@example.org")));

        var accepted = await FormFiller.PostAsync(invited, link, [new("password", TestStaff.Password), new("repeatPassword", TestStaff.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var enrolment = accepted.Headers.Location!.OriginalString;
        Assert.StartsWith("/staff/login/enrol", enrolment, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await invited.GetAsync("/staff/reviews")).StatusCode);
        var (recoveryCodes, _) = await Site.Staff.EnrolAsync(invited, enrolment, "moderator@example.org");
        Assert.NotEmpty(recoveryCodes);
        Assert.Equal(HttpStatusCode.OK, (await invited.GetAsync("/staff/reviews")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await invited.GetAsync("/staff/users")).StatusCode);

        // The link is spent; the password works at the sign-in page from now on.
        var spent = await Site.Browser().GetAsync(link);
        Assert.Contains("This invitation has been used.", WebUtility.HtmlDecode(await spent.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var replay = await PostWithoutTheFormAsync(link, [new("password", "another long password"), new("repeatPassword", "another long password")]);
        Assert.Equal(HttpStatusCode.Gone, replay.StatusCode);
        await Site.Staff.SignedInAsync("moderator@example.org");

        var actions = await Site.QueryAsync(db => db.AuditEntries.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal([AuditAction.StaffInvited, AuditAction.InvitationAccepted], actions.Where(a => a.StartsWith("staff.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Should_let_an_organiser_invite_a_partner_into_the_team_and_withdraw_an_invitation()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", hosts: ["Station Watch", "Digital Rights Group"]);
        var organiser = await Site.Staff.SignedInAsync("organiser@example.org");
        await Site.QueryAsync(async db =>
        {
            var id = await db.StaffUsers.Where(u => u.Email == "organiser@example.org").Select(u => u.Id).SingleAsync();
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = id, Role = StaffRoles.Organiser });
            return await db.SaveChangesAsync();
        });
        var team = $"/staff/campaigns/{campaign.Id}/members";
        var host = campaign.Hosts.Single(h => h.Name == "Digital Rights Group").Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(organiser, $"{team}?handler=Add",
            [new("Input.Email", "partner@example.org"), new("Input.Role", StaffRoles.Partner), new("Input.HostId", host)])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(organiser, $"{team}?handler=Add",
            [new("Input.Email", "changed.mind@example.org"), new("Input.Role", StaffRoles.Organiser)])).StatusCode);
        var emails = await Site.Mailbox.EmailsAsync(2);
        var toPartner = emails.Single(e => e.To.Mailboxes.Single().Address == "partner@example.org");
        Assert.Contains($"the campaign “{campaign.Title}”", toPartner.TextBody, StringComparison.Ordinal);
        var withdrawnLink = InvitationPath(emails.Single(e => e != toPartner));

        var page = WebUtility.HtmlDecode(await organiser.GetStringAsync(team));
        Assert.Contains("changed.mind@example.org", page, StringComparison.Ordinal);
        var withdrawnId = await Site.QueryAsync(db => db.StaffInvitations.Where(i => i.Email == "changed.mind@example.org").Select(i => i.Id).SingleAsync());
        var withdraw = await FormFiller.PostAsync(organiser, $"{team}?handler=Withdraw", [new("invitationId", withdrawnId.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.Redirect, withdraw.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync(withdrawnLink)).StatusCode);

        var invited = Site.Browser();
        var accepted = await FormFiller.PostAsync(invited, InvitationPath(toPartner), [new("password", TestStaff.Password), new("repeatPassword", TestStaff.Password)]);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        await Site.Staff.EnrolAsync(invited, accepted.Headers.Location!.OriginalString, "partner@example.org");
        Assert.Equal(HttpStatusCode.OK, (await invited.GetAsync($"/staff/campaigns/{campaign.Id}/supporters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await invited.GetAsync($"/staff/campaigns/{campaign.Id}")).StatusCode);
        var member = await Site.QueryAsync(db => db.CampaignMembers.Where(m => m.CampaignId == campaign.Id && m.Role == StaffRoles.Partner).SingleAsync());
        Assert.Equal(int.Parse(host, System.Globalization.CultureInfo.InvariantCulture), member.HostId);
    }

    [Fact]
    public async Task Should_refuse_an_expired_invitation_with_a_page_that_says_what_to_do()
    {
        var admin = await Site.Staff.SignedInAsync("admin@example.org", StaffRoles.Admin);
        await FormFiller.PostAsync(admin, "/staff/users?handler=Invite", [new("Email", "late@example.org")]);
        var link = InvitationPath(Assert.Single(await Site.Mailbox.EmailsAsync(1)));

        Site.Clock.Advance(StaffInvitation.ValidFor + TimeSpan.FromMinutes(1));
        var page = WebUtility.HtmlDecode(await Site.Browser().GetStringAsync(link));
        Assert.Contains("This invitation has expired. Ask the person who invited you to send a new one.", page, StringComparison.Ordinal);
        var late = await PostWithoutTheFormAsync(link, [new("password", TestStaff.Password), new("repeatPassword", TestStaff.Password)]);
        Assert.Equal(HttpStatusCode.Gone, late.StatusCode);
        Assert.False(await Site.QueryAsync(db => db.StaffUsers.AnyAsync(u => u.Email == "late@example.org")));

        // An expired invitation no longer blocks a new one (the admin signs in again: a week has passed).
        await Site.Staff.SignInAsync(admin, "admin@example.org");
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(admin, "/staff/users?handler=Invite", [new("Email", "late@example.org")])).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync("/staff/invitation/not-a-real-token")).StatusCode);
    }

    /// <summary>Posts to a page that shows no form any more, as a tab opened before would, with a valid antiforgery token.</summary>
    private async Task<HttpResponseMessage> PostWithoutTheFormAsync(string path, KeyValuePair<string, string>[] fields)
    {
        var browser = Site.Browser();
        var token = FormFiller.AntiforgeryToken(await browser.GetStringAsync("/staff/login"));
        return await browser.PostAsync(path, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]));
    }

    private static string InvitationPath(MimeMessage email)
    {
        var match = InvitationLink().Match(email.TextBody ?? "");
        Assert.True(match.Success, "The email carries no invitation link.");
        return match.Value;
    }

    [GeneratedRegex(@"/staff/invitation/[A-Za-z0-9_-]+")]
    private static partial Regex InvitationLink();
}

public sealed class InvitationsOnSqlite() : InvitationTests(DatabaseProvider.Sqlite);

public sealed class InvitationsOnPostgres() : InvitationTests(DatabaseProvider.Postgres);
