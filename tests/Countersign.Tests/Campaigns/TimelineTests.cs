using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Campaigns;

/// <summary>The campaign page's timeline: milestones recorded once when the count crosses them, and what organisers add, with sources.</summary>
public abstract class TimelineTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_record_a_milestone_once_dated_the_day_the_count_crossed_it()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake");
        var organiser = await StaffAsync();
        var refused = await LifecycleSteps.SaveAsync(organiser, campaign, milestones: "ten thousand");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("Enter up to 10 whole numbers of signatures", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await LifecycleSteps.SaveAsync(organiser, campaign, milestones: "5, 3")).StatusCode);
        Assert.Equal([3, 5], await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.Milestones).SingleAsync()));

        // Two confirmations on each of two days: the third signature, on the second day, crosses 3.
        var firstDay = DateOnly.FromDateTime(Site.Clock.GetUtcNow().UtcDateTime.AddDays(-3));
        await Site.QueryAsync(async db =>
        {
            db.DayCounts.AddRange(new DayCount { CampaignId = campaign.Id, Day = firstDay, Count = 2 }, new DayCount { CampaignId = campaign.Id, Day = firstDay.AddDays(1), Count = 2 });
            await db.SaveChangesAsync();
            return await db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, 4));
        });

        // Its organisers hear of it by email, once each, unless they said no; its partner does not.
        await Site.Staff.AddAsync("second.organiser@example.org");
        await Site.Staff.AddAsync("quiet.organiser@example.org");
        await Site.Staff.AddAsync("partner@example.org");
        await Site.QueryAsync(async db =>
        {
            var ids = await db.StaffUsers.ToDictionaryAsync(u => u.Email!, u => u.Id);
            db.CampaignMembers.AddRange(
                new CampaignMember { CampaignId = campaign.Id, StaffUserId = ids["organiser@example.org"], Role = StaffRoles.Organiser },
                new CampaignMember { CampaignId = campaign.Id, StaffUserId = ids["second.organiser@example.org"], Role = StaffRoles.Organiser },
                new CampaignMember { CampaignId = campaign.Id, StaffUserId = ids["quiet.organiser@example.org"], Role = StaffRoles.Organiser },
                new CampaignMember { CampaignId = campaign.Id, StaffUserId = ids["partner@example.org"], Role = StaffRoles.Partner, HostId = campaign.Hosts[0].Id });
            return await db.SaveChangesAsync();
        });

        var quiet = await Site.Staff.SignedInAsync("quiet.organiser@example.org");
        var team = $"/staff/campaigns/{campaign.Id}/members";
        Assert.Contains("name=\"milestoneEmails\" value=\"true\" checked=\"checked\"", await quiet.GetStringAsync(team), StringComparison.Ordinal);
        var saidNo = await FormFiller.PostAsync(quiet, $"{team}?handler=MilestoneEmails", [new("milestoneEmails", "false")]);
        Assert.Equal(HttpStatusCode.Redirect, saidNo.StatusCode);
        var teamPage = WebUtility.HtmlDecode(await quiet.GetStringAsync(team));
        Assert.Contains("You will no longer get an email when this campaign passes a milestone", teamPage, StringComparison.Ordinal);
        Assert.DoesNotContain("name=\"milestoneEmails\" value=\"true\" checked", teamPage, StringComparison.Ordinal);

        var job = Site.Services.GetRequiredService<MilestoneJob>();
        await Task.WhenAll(job.RecordCrossedAsync(), job.RecordCrossedAsync());
        await job.RecordCrossedAsync();

        await TestSite.WaitUntilAsync(() => Site.QueryAsync(db => db.OutboxMessages.AllAsync(m => m.SentAt != null)), "the milestone emails are sent");
        var emails = await Site.Mailbox.EmailsAsync(2);
        Assert.Equal(["organiser@example.org", "second.organiser@example.org"], emails.Select(e => e.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
        Assert.All(emails, e => Assert.Equal($"3 signatures: {campaign.Title}", e.Subject));
        Assert.All(emails, e => Assert.Contains($"/staff/campaigns/{campaign.Id}/timeline", e.TextBody, StringComparison.Ordinal));
        Assert.All(emails, e => Assert.Contains($"/staff/campaigns/{campaign.Id}/members", e.TextBody, StringComparison.Ordinal));

        var milestone = Assert.Single(await Site.QueryAsync(db => db.CampaignEvents.Where(e => e.CampaignId == campaign.Id).ToListAsync()));
        Assert.Equal((CampaignEventKind.Milestone, 3, firstDay.AddDays(1)), (milestone.Kind, milestone.Milestone!.Value, milestone.Day));
        var page = WebUtility.HtmlDecode(await Site.Browser().GetStringAsync("/c/drop-the-stake"));
        Assert.Contains("3 signatures", page, StringComparison.Ordinal);
        Assert.Contains($"<time datetime=\"{firstDay.AddDays(1):yyyy-MM-dd}\">", page, StringComparison.Ordinal);
        Assert.DoesNotContain("5 signatures", page, StringComparison.Ordinal);

        // Countersign's record of the count is not the organisers' to take back.
        var removal = await FormFiller.PostAsync(organiser, $"/staff/campaigns/{campaign.Id}/timeline?handler=Remove", [new("eventId", milestone.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.NotFound, removal.StatusCode);
        Assert.Equal(1, await Site.QueryAsync(db => db.CampaignEvents.CountAsync()));
    }

    [Fact]
    public async Task Should_show_what_organisers_add_with_its_source_and_explain_each_problem()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake");
        var organiser = await StaffAsync();
        var timelinePath = $"/staff/campaigns/{campaign.Id}/timeline";

        var bad = await FormFiller.PostAsync(organiser, $"{timelinePath}?handler=Add",
            [new("Input.Kind", "gossip"), new("Input.Day", "last Tuesday"), new("Input.Text", "The fund wrote back."), new("Input.Source", "javascript:alert(1)")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var badPage = WebUtility.HtmlDecode(await bad.Content.ReadAsStringAsync());
        Assert.Contains("Choose what happened from the list.", badPage, StringComparison.Ordinal);
        Assert.Contains("Enter a date like 2027-03-31.", badPage, StringComparison.Ordinal);
        Assert.Contains("Enter the web address of the source, starting with https://.", badPage, StringComparison.Ordinal);
        Assert.Contains("The fund wrote back.</textarea>", badPage, StringComparison.Ordinal);

        // In French too, with the form as typed.
        organiser.DefaultRequestHeaders.AcceptLanguage.Add(new System.Net.Http.Headers.StringWithQualityHeaderValue("fr"));
        var beforeLaunch = DateOnly.FromDateTime(campaign.OpenedAt!.Value).AddDays(-1);
        var early = await FormFiller.PostAsync(organiser, $"{timelinePath}?handler=Add",
            [new("Input.Kind", CampaignEventKind.News), new("Input.Day", $"{beforeLaunch:yyyy-MM-dd}"), new("Input.Text", "The fund wrote back.")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, early.StatusCode);
        var earlyPage = WebUtility.HtmlDecode(await early.Content.ReadAsStringAsync());
        Assert.Contains("Un événement ne peut pas être daté d’avant le lancement de la campagne\u00a0: la chronologie commence avec le lancement.", earlyPage, StringComparison.Ordinal);
        Assert.Contains($"value=\"{beforeLaunch:yyyy-MM-dd}\"", earlyPage, StringComparison.Ordinal);
        Assert.Contains("The fund wrote back.</textarea>", earlyPage, StringComparison.Ordinal);
        organiser.DefaultRequestHeaders.AcceptLanguage.Clear();

        var today = DateOnly.FromDateTime(Site.Clock.GetUtcNow().UtcDateTime);
        var added = await FormFiller.PostAsync(organiser, $"{timelinePath}?handler=Add",
            [new("Input.Kind", CampaignEventKind.TargetResponded), new("Input.Day", $"{today:yyyy-MM-dd}"), new("Input.Text", "The fund announced it will sell its stake."), new("Input.Source", "https://news.example.org/fund-sells")]);
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);

        var page = WebUtility.HtmlDecode(await Site.Browser().GetStringAsync("/c/drop-the-stake"));
        Assert.Contains("The target responded", page, StringComparison.Ordinal);
        Assert.Contains("The fund announced it will sell its stake.", page, StringComparison.Ordinal);
        Assert.Contains("href=\"https://news.example.org/fund-sells\" rel=\"nofollow noopener noreferrer\"", page, StringComparison.Ordinal);
        Assert.Contains("Launched", page, StringComparison.Ordinal);

        var added1 = await Site.QueryAsync(db => db.CampaignEvents.SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(organiser, $"{timelinePath}?handler=Remove", [new("eventId", added1.Id.ToString(System.Globalization.CultureInfo.InvariantCulture))])).StatusCode);
        Assert.DoesNotContain("The fund announced it will sell its stake.", await Site.Browser().GetStringAsync("/c/drop-the-stake"), StringComparison.Ordinal);
        Assert.Equal([AuditAction.TimelineEventAdded, AuditAction.TimelineEventRemoved],
            await Site.QueryAsync(db => db.AuditEntries.OrderBy(e => e.Id).Select(e => e.Action).ToListAsync()));
    }

    private Task<HttpClient> StaffAsync() => Site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);
}

public sealed class TimelineOnSqlite() : TimelineTests(DatabaseProvider.Sqlite);

public sealed class TimelineOnPostgres() : TimelineTests(DatabaseProvider.Postgres);
