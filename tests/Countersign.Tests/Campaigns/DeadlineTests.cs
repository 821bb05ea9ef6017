using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Campaigns;

/// <summary>A campaign stops taking signatures once its deadline day is over, with the clock moved by the test.</summary>
public abstract class DeadlineTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_close_an_open_campaign_the_day_after_its_deadline_and_refuse_signatures_from_then()
    {
        var campaign = await Site.AddCampaignAsync();
        var undated = await Site.AddCampaignAsync("no-deadline");
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == undated.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.Deadline, (DateOnly?)null)));
        var deadline = campaign.Deadline!.Value;
        var job = Site.Services.GetRequiredService<DeadlineJob>();

        // On the deadline day itself the campaign is still open.
        Site.Clock.Advance(deadline.ToDateTime(new TimeOnly(23, 59)) - Site.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal(0, await job.CloseDueAsync());

        // The job's own timer runs on the test clock too, so either check may be the one that closes it.
        Site.Clock.Advance(TimeSpan.FromMinutes(2));
        await job.CloseDueAsync();
        await TestSite.WaitUntilAsync(async () => await Site.QueryAsync(db => db.Campaigns.AnyAsync(c => c.Id == campaign.Id && c.State == CampaignState.Closed)), "the campaign is closed");

        var states = await Site.QueryAsync(db => db.Campaigns.OrderBy(c => c.Id).Select(c => new { c.State, c.ClosedAt }).ToListAsync());
        Assert.Equal(CampaignState.Closed, states[0].State);
        Assert.NotNull(states[0].ClosedAt);

        // Countersign itself did it, and the audit log says so once, with no member of staff.
        var audit = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.CampaignId == campaign.Id).ToListAsync());
        var closing = Assert.Single(audit);
        Assert.Equal(Countersign.Staff.AuditAction.CampaignClosed, closing.Action);
        Assert.Null(closing.StaffUserId);
        Assert.Equal(CampaignState.Open, states[1].State);

        // The page no longer offers the form, and a form posted anyway (with a token from an open
        // campaign's page) is refused.
        var browser = Site.Browser();
        Assert.DoesNotContain("name=\"Input.Email\"", await browser.GetStringAsync($"/c/{campaign.Slug}"), StringComparison.Ordinal);
        var form = await FormFiller.CompleteAsync(browser, $"/c/{undated.Slug}", SigningTests.Form(campaign));
        var response = await browser.PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0, await Site.QueryAsync(db => db.Signatures.CountAsync()));
    }
}

public sealed class DeadlinesOnSqlite() : DeadlineTests(DatabaseProvider.Sqlite);

public sealed class DeadlinesOnPostgres() : DeadlineTests(DatabaseProvider.Postgres);
