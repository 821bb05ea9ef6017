using System.Net;
using System.Text;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Letters;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Staff;

/// <summary>
/// Every staff page and action, tried as each kind of visitor: anonymous, a partner of the
/// campaign, the organiser of another campaign, the campaign's organiser and an admin. Each sees and
/// may do exactly what its role allows, and nothing else.
/// </summary>
public abstract class RoleMatrixTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private enum Visitor { Anonymous, Partner, OtherOrganiser, Organiser, Moderator, Admin }

    [Fact]
    public async Task Should_let_each_role_see_exactly_its_pages()
    {
        var (campaign, visitors) = await TeamAsync();
        var id = campaign.Id;
        var bystander = await BystanderAsync();
        var expected = new (string Path, Visitor[] Allowed)[]
        {
            ("/staff", [Visitor.Partner, Visitor.OtherOrganiser, Visitor.Organiser, Visitor.Moderator, Visitor.Admin]),
            ("/staff/campaigns/new", [Visitor.Partner, Visitor.OtherOrganiser, Visitor.Organiser, Visitor.Moderator, Visitor.Admin]),
            ("/staff/audit", [Visitor.Partner, Visitor.OtherOrganiser, Visitor.Organiser, Visitor.Moderator, Visitor.Admin]),
            ($"/staff/campaigns/{id}", [Visitor.Organiser, Visitor.Admin]),
            ($"/staff/campaigns/{id}/timeline", [Visitor.Organiser, Visitor.Admin]),
            ($"/staff/campaigns/{id}/image", [Visitor.Organiser, Visitor.Admin]),
            ($"/staff/campaigns/{id}/members", [Visitor.Organiser, Visitor.Admin]),
            ($"/staff/campaigns/{id}/updates", [Visitor.Organiser, Visitor.Admin]),
            ($"/staff/campaigns/{id}/updates/new", [Visitor.Organiser, Visitor.Admin]),
            ($"/staff/campaigns/{id}/supporters", [Visitor.Partner, Visitor.Organiser, Visitor.Admin]),
            ($"/staff/campaigns/{id}/partners", [Visitor.Partner, Visitor.Organiser, Visitor.Admin]),
            ($"/staff/campaigns/{id}/trends", [Visitor.Moderator, Visitor.Admin]),
            ($"/staff/campaigns/{id}/comments", [Visitor.Organiser, Visitor.Moderator, Visitor.Admin]),
            ($"/staff/campaigns/{id}/signatories", [Visitor.Organiser, Visitor.Moderator, Visitor.Admin]),
            ("/staff/reviews", [Visitor.Moderator, Visitor.Admin]),
            ("/staff/users", [Visitor.Admin]),
            ($"/staff/users/{bystander}", [Visitor.Admin]),
            ("/staff/outbox", [Visitor.Admin]),
            ("/staff/retention", [Visitor.Admin]),
        };

        var outcomes = new List<string>();
        foreach (var (path, allowed) in expected)
        {
            foreach (var (visitor, browser) in visitors)
            {
                var response = await browser.GetAsync(path);
                var status = response.StatusCode;
                var want = visitor == Visitor.Anonymous ? HttpStatusCode.Redirect : allowed.Contains(visitor) ? HttpStatusCode.OK : HttpStatusCode.Forbidden;
                if (status != want)
                {
                    outcomes.Add($"{visitor} GET {path}: {(int)status}, expected {(int)want}");
                }

                // A tag helper that cannot build a form's address writes action="": a browser then posts to the page itself.
                if (status == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync()).Contains("action=\"\"", StringComparison.Ordinal))
                {
                    outcomes.Add($"{visitor} GET {path}: a form with an empty action");
                }
            }
        }

        Assert.Empty(outcomes);

        // The campaign list shows each member only the campaigns they work on.
        Assert.DoesNotContain("Divest now", await visitors[Visitor.OtherOrganiser].GetStringAsync("/staff"), StringComparison.Ordinal);
        Assert.Contains("Divest now", await visitors[Visitor.Partner].GetStringAsync("/staff"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_let_each_role_do_exactly_its_actions()
    {
        var (campaign, visitors) = await TeamAsync();
        var id = campaign.Id;
        var waitingComment = (await Site.AddCommentAsync(campaign.Id, CommentState.Waiting)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var shownComment = (await Site.AddCommentAsync(campaign.Id, CommentState.Published)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var publishedUpdate = (await PublishedUpdateAsync(campaign)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var waitingSignatory = (await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Verified)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var publishedSignatory = (await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Approved, "Academy of Sciences")).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var bystander = await BystanderAsync();
        var actions = new (string Name, string Path, KeyValuePair<string, string>[] Fields, Visitor[] Allowed)[]
        {
            // The organisers decide who co-signs their letter; moderators and admins may step in.
            ("approve a co-signature", $"/staff/campaigns/{id}/signatories?handler=Approve", [new("coSignatureId", waitingSignatory)], [Visitor.Organiser, Visitor.Moderator, Visitor.Admin]),
            ("reject a co-signature", $"/staff/campaigns/{id}/signatories?handler=Reject", [new("coSignatureId", publishedSignatory), new("Reason", "Not an academy")],
                [Visitor.Organiser, Visitor.Moderator, Visitor.Admin]),
            // Organisers read their campaign's comments; only moderators and admins decide.
            ("publish a comment", $"/staff/campaigns/{id}/comments?handler=Publish", [new("commentId", waitingComment)], [Visitor.Moderator, Visitor.Admin]),
            ("hide a comment", $"/staff/campaigns/{id}/comments?handler=Hide", [new("commentId", shownComment), new("Reason", "Off topic")], [Visitor.Moderator, Visitor.Admin]),
            ("add to the timeline", $"/staff/campaigns/{id}/timeline?handler=Add",
                [new("Input.Kind", CampaignEventKind.News), new("Input.Day", "2026-11-01"), new("Input.Text", "A march in front of the fund's office.")],
                [Visitor.Organiser, Visitor.Admin]),
            ("describe the header image", $"/staff/campaigns/{id}/image?handler=Describe", [new("Input.Alt", "A banner")], [Visitor.Organiser, Visitor.Admin]),
            ("upload a header image", $"/staff/campaigns/{id}/image", [new("Input.Alt", "A banner")], [Visitor.Organiser, Visitor.Admin]),
            ("record the outcome", $"/staff/campaigns/{id}?handler=Outcome", [new("Outcome.Outcome", CampaignOutcome.Ongoing)], [Visitor.Organiser, Visitor.Admin]),
            ("export supporters", $"/staff/campaigns/{id}/supporters?handler=Export", [new("hostId", campaign.Hosts[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                [Visitor.Partner, Visitor.Organiser, Visitor.Admin]),
            // A partner speaks for its own organisation (Station Watch, the first host); organisers for every one.
            ("describe a partner", $"/staff/campaigns/{id}/partners?handler=Describe",
                [new("hostId", campaign.Hosts[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("description", "Commuters watching the cameras")],
                [Visitor.Partner, Visitor.Organiser, Visitor.Admin]),
            ("remove a partner's logo", $"/staff/campaigns/{id}/partners?handler=RemoveLogo", [new("hostId", campaign.Hosts[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                [Visitor.Partner, Visitor.Organiser, Visitor.Admin]),
            ("upload a partner's logo", $"/staff/campaigns/{id}/partners?handler=Logo", [new("hostId", campaign.Hosts[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                [Visitor.Partner, Visitor.Organiser, Visitor.Admin]),
            ("leave the coalition without confirming", $"/staff/campaigns/{id}/partners?handler=Leave", [new("hostId", campaign.Hosts[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture))],
                [Visitor.Partner, Visitor.Organiser, Visitor.Admin]),
            ("set signatures aside", $"/staff/campaigns/{id}/trends?handler=Invalidate", [new("Group.Domain", "example.net")], [Visitor.Moderator, Visitor.Admin]),
            ("save an update", $"/staff/campaigns/{id}/updates/new",
                [new("Input.Title", "We met the fund"), new("Input.HostId", campaign.Hosts[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("Input.Body", "It listened.")],
                [Visitor.Organiser, Visitor.Admin]),
            ("hide an update", $"/staff/campaigns/{id}/updates/{publishedUpdate}?handler=Hide", [new("Reason", "Posted too early")], [Visitor.Organiser, Visitor.Admin]),
            ("show an update again", $"/staff/campaigns/{id}/updates/{publishedUpdate}?handler=Restore", [new("Reason", "Now is the time")], [Visitor.Organiser, Visitor.Admin]),
            ("invite staff", "/staff/users?handler=Invite", [new("Email", "invited@example.org")], [Visitor.Admin]),
            ("disable a staff account", $"/staff/users/{bystander}?handler=Disable", [], [Visitor.Admin]),
            ("add to the team", $"/staff/campaigns/{id}/members?handler=Add", [new("Input.Email", "nobody@example.org"), new("Input.Role", StaffRoles.Organiser)], [Visitor.Organiser, Visitor.Admin]),

            ("choose milestone emails", $"/staff/campaigns/{id}/members?handler=MilestoneEmails", [new("milestoneEmails", "false")], [Visitor.Organiser, Visitor.Admin]),

            // Last, as it ends the campaign: later visitors allowed to get a clear 409, not a 403.
            ("close the campaign", $"/staff/campaigns/{id}?handler=Move", [new("to", CampaignState.Closed), new("confirmed", "true")], [Visitor.Organiser, Visitor.Admin]),
        };

        var outcomes = new List<string>();
        foreach (var (name, path, fields, allowed) in actions)
        {
            foreach (var (visitor, browser) in visitors)
            {
                // Each visitor sends a valid antiforgery token of its own, so only its role decides.
                var token = visitor == Visitor.Anonymous ? FormFiller.AntiforgeryToken(await (await browser.GetAsync("/staff/login")).Content.ReadAsStringAsync())
                    : FormFiller.AntiforgeryToken(await browser.GetStringAsync("/staff/audit"));
                var status = (await browser.PostAsync(path, new FormUrlEncodedContent([.. fields, new("__RequestVerificationToken", token)]))).StatusCode;
                var forbidden = visitor == Visitor.Anonymous ? HttpStatusCode.Redirect : HttpStatusCode.Forbidden;
                var refused = status == forbidden;
                if (refused == allowed.Contains(visitor))
                {
                    outcomes.Add($"{visitor} {name}: {(int)status}");
                }
            }
        }

        Assert.Empty(outcomes);
    }

    [Fact]
    public async Task Should_give_a_partner_only_the_supporters_who_agreed_to_hear_from_its_own_organisation()
    {
        var (campaign, visitors) = await TeamAsync();
        var browser = Site.Browser();
        var stationWatch = campaign.Hosts.Single(h => h.Name == "Station Watch").Id;
        var form = SigningTests.Form(campaign, name: "=HYPERLINK(\"http://evil.example\")", email: "yes-to-station@example.org");
        form[$"Input.HostUpdates[{campaign.Hosts.Single(h => h.Name == "Digital Rights Group").Id}]"] = "no";
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", form);
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: "Nadia", email: "no-to-all@example.org", hostChoice: "no"));
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: "Pending Person", email: "never-confirmed@example.org"));
        var emails = await Site.Mailbox.EmailsAsync(3);
        foreach (var email in emails.Where(e => !e.To.ToString().Contains("never-confirmed", StringComparison.Ordinal)))
        {
            await FormFiller.PostAsync(browser, Mailbox.ConfirmationPath(email), []);
        }

        var partner = visitors[Visitor.Partner];
        var page = WebUtility.HtmlDecode(await partner.GetStringAsync($"/staff/campaigns/{campaign.Id}/supporters"));
        Assert.Contains("Station Watch", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Digital Rights Group", page, StringComparison.Ordinal);

        var otherHost = await FormFiller.PostAsync(partner, $"/staff/campaigns/{campaign.Id}/supporters?handler=Export",
            [new("hostId", campaign.Hosts.Single(h => h.Name == "Digital Rights Group").Id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.NotFound, otherHost.StatusCode);

        var export = await FormFiller.PostAsync(partner, $"/staff/campaigns/{campaign.Id}/supporters?handler=Export",
            [new("hostId", stationWatch.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        var csv = Encoding.UTF8.GetString(await export.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF');
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,email,postcode,country,language,confirmed_at_utc", lines[0]);
        var supporter = Assert.Single(lines.Skip(1));
        Assert.Contains("yes-to-station@example.org", supporter, StringComparison.Ordinal);

        // A formula typed as a name stays text in a spreadsheet.
        Assert.StartsWith("\"'=HYPERLINK", supporter, StringComparison.Ordinal);
        var audit = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.SupportersExported).Select(e => e.Details).SingleAsync());
        Assert.Equal("1 supporters of Station Watch", audit);
    }

    [Fact]
    public async Task Should_let_organisers_build_their_team_and_keep_at_least_one_organiser()
    {
        var (campaign, visitors) = await TeamAsync();
        var organiser = visitors[Visitor.Organiser];
        var members = $"/staff/campaigns/{campaign.Id}/members";

        var unknown = await FormFiller.PostAsync(organiser, $"{members}?handler=Add", [new("Input.Email", "stranger@example"), new("Input.Role", StaffRoles.Partner)]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        var unknownPage = WebUtility.HtmlDecode(await unknown.Content.ReadAsStringAsync());
        Assert.Contains("Enter an email address like name@example.org.", unknownPage, StringComparison.Ordinal);
        Assert.Contains("Choose the host organisation this partner speaks for.", unknownPage, StringComparison.Ordinal);
        Assert.Contains("value=\"stranger@example\"", unknownPage, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(organiser, $"{members}?handler=Add",
            [new("Input.Email", "Other.Organiser@example.org"), new("Input.Role", StaffRoles.Organiser)])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await visitors[Visitor.OtherOrganiser].GetAsync($"/staff/campaigns/{campaign.Id}")).StatusCode);

        var organiserIds = await Site.QueryAsync(db => db.CampaignMembers.Where(m => m.CampaignId == campaign.Id && m.Role == StaffRoles.Organiser).Select(m => m.StaffUserId).ToListAsync());
        Assert.Equal(2, organiserIds.Count);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(organiser, $"{members}?handler=Remove", [new("staffUserId", organiserIds[0].ToString(System.Globalization.CultureInfo.InvariantCulture))])).StatusCode);
        var last = await FormFiller.PostAsync(visitors[Visitor.Admin], $"{members}?handler=Remove", [new("staffUserId", organiserIds[1].ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.Conflict, last.StatusCode);
        Assert.Contains("A campaign keeps at least one organiser.", WebUtility.HtmlDecode(await last.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal([AuditAction.RoleGranted, AuditAction.RoleRevoked],
            await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action.StartsWith("role.")).OrderBy(e => e.Id).Select(e => e.Action).ToListAsync()));
    }

    [Fact]
    public async Task Should_show_each_member_of_staff_the_audit_entries_of_their_own_campaigns_and_admins_all()
    {
        var (campaign, visitors) = await TeamAsync();
        var other = await Site.QueryAsync(db => db.Campaigns.Where(c => c.Slug == "another-cause").Select(c => c.Id).SingleAsync());
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        await Site.QueryAsync(db =>
        {
            db.Record(null, AuditAction.CampaignClosed, campaign.Id, now, "Entry of Divest now");
            db.Record(null, AuditAction.CampaignClosed, other, now, "Entry of another cause");
            db.Record(null, AuditAction.StaffInvited, null, now, "Entry of the whole site");
            return db.SaveChangesAsync();
        });

        var expected = new (Visitor Visitor, string[] Sees)[]
        {
            (Visitor.Partner, ["Entry of Divest now"]),
            (Visitor.Organiser, ["Entry of Divest now"]),
            (Visitor.OtherOrganiser, ["Entry of another cause"]),
            (Visitor.Moderator, []),
            (Visitor.Admin, ["Entry of Divest now", "Entry of another cause", "Entry of the whole site"]),
        };
        string[] all = ["Entry of Divest now", "Entry of another cause", "Entry of the whole site"];
        foreach (var (visitor, sees) in expected)
        {
            var log = WebUtility.HtmlDecode(await visitors[visitor].GetStringAsync("/staff/audit"));
            Assert.All(sees, entry => Assert.Contains(entry, log, StringComparison.Ordinal));
            Assert.All(all.Except(sees), entry => Assert.DoesNotContain(entry, log, StringComparison.Ordinal));
        }

        // Nor may one read another campaign's log, or its title, by naming it.
        var otherCampaignsLog = await visitors[Visitor.OtherOrganiser].GetAsync($"/staff/audit?campaign={campaign.Id}");
        Assert.Equal(HttpStatusCode.Forbidden, otherCampaignsLog.StatusCode);
        Assert.DoesNotContain("Divest now", await otherCampaignsLog.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("Entry of Divest now", WebUtility.HtmlDecode(await visitors[Visitor.Partner].GetStringAsync($"/staff/audit?campaign={campaign.Id}")), StringComparison.Ordinal);
    }

    /// <summary>A published update of the campaign, stored as the update form would store it; returns its id.</summary>
    private async Task<int> PublishedUpdateAsync(Campaign campaign)
    {
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var update = new Countersign.Updates.CampaignUpdate
        {
            CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = "We met the fund",
            BodyMarkdown = "It listened.", CreatedAt = now, UpdatedAt = now,
        };
        update.Publish(now);
        await Site.QueryAsync(db =>
        {
            db.CampaignUpdates.Add(update);
            return db.SaveChangesAsync();
        });
        return update.Id;
    }

    /// <summary>A campaign with an organiser and a partner for its first host, another campaign with its own organiser, and an admin.</summary>
    /// <summary>A staff account none of the visitors is: the one admins' account pages and actions are tried on.</summary>
    private async Task<int> BystanderAsync()
    {
        await Site.Staff.AddAsync("bystander@example.org");
        return await Site.QueryAsync(db => db.StaffUsers.Where(u => u.Email == "bystander@example.org").Select(u => u.Id).SingleAsync());
    }

    private async Task<(Campaign Campaign, Dictionary<Visitor, HttpClient> Visitors)> TeamAsync()
    {
        var campaign = await Site.AddCampaignAsync("divest-now", hosts: ["Station Watch", "Digital Rights Group"]);
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.Title, "Divest now")));
        var other = await Site.AddCampaignAsync("another-cause");
        var visitors = new Dictionary<Visitor, HttpClient> { [Visitor.Anonymous] = Site.Browser() };
        foreach (var (visitor, email, roles) in new (Visitor, string, string[])[]
        {
            (Visitor.Partner, "partner@example.org", []), (Visitor.OtherOrganiser, "other.organiser@example.org", []),
            (Visitor.Organiser, "organiser@example.org", []), (Visitor.Moderator, "moderator@example.org", [StaffRoles.Moderator]),
            (Visitor.Admin, "admin@example.org", [StaffRoles.Admin]),
        })
        {
            visitors[visitor] = await Site.Staff.SignedInAsync(email, roles);
        }

        // Roles in a campaign are read on each request, so they may be given after signing in.
        await Site.QueryAsync(async db =>
        {
            var ids = await db.StaffUsers.ToDictionaryAsync(u => u.Email!, u => u.Id);
            db.CampaignMembers.AddRange(
                new CampaignMember { CampaignId = campaign.Id, StaffUserId = ids["organiser@example.org"], Role = StaffRoles.Organiser },
                new CampaignMember { CampaignId = campaign.Id, StaffUserId = ids["partner@example.org"], Role = StaffRoles.Partner, HostId = campaign.Hosts.Single(h => h.Name == "Station Watch").Id },
                new CampaignMember { CampaignId = other.Id, StaffUserId = ids["other.organiser@example.org"], Role = StaffRoles.Organiser });
            return await db.SaveChangesAsync();
        });

        return (campaign, visitors);
    }
}

public sealed class RoleMatrixOnSqlite() : RoleMatrixTests(DatabaseProvider.Sqlite);

public sealed class RoleMatrixOnPostgres() : RoleMatrixTests(DatabaseProvider.Postgres);
