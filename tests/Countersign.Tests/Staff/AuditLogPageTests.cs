using System.Globalization;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Campaigns;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Staff;

/// <summary>Staff read the audit log in their own language: actions named, details in sentences, dates as their culture writes them.</summary>
public abstract class AuditLogPageTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_show_a_french_organiser_the_log_in_french()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", goal: 25_000);
        var organiser = await Site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);
        await LifecycleSteps.SaveAsync(organiser, campaign, milestones: "1000, 10000", commentMode: CommentMode.PreModerated);
        await LifecycleSteps.MoveAsync(organiser, campaign.Id, CampaignState.Closed);
        var entries = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.CampaignId == campaign.Id).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditAction.CampaignEdited, AuditAction.CommentModeChanged, AuditAction.CampaignClosed], entries.Select(e => e.Action));

        var english = await LogAsync(organiser, campaign.Id);
        Assert.Contains("Campaign closed", english, StringComparison.Ordinal);
        Assert.Contains("Goal 25,000; deadline", english, StringComparison.Ordinal);
        Assert.Contains("milestones 1,000, 10,000.", english, StringComparison.Ordinal);

        // British, not American, dates: day first.
        Assert.Contains(entries[^1].At.ToString("G", CultureInfo.GetCultureInfo("en-GB")), english, StringComparison.Ordinal);
        Assert.DoesNotContain(entries[^1].At.ToString("G", CultureInfo.GetCultureInfo("en-US")), english, StringComparison.Ordinal);

        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await organiser.GetAsync("/language/fr")).StatusCode);
        var french = await LogAsync(organiser, campaign.Id);
        var space = CultureInfo.GetCultureInfo("fr").NumberFormat.NumberGroupSeparator;
        Assert.Contains("Campagne close", french, StringComparison.Ordinal);
        Assert.Contains("Réglage des commentaires modifié", french, StringComparison.Ordinal);
        Assert.Contains("Commentaires\u00A0: pas de commentaires → modérés avant publication", french, StringComparison.Ordinal);
        Assert.Contains($"Objectif 25{space}000\u00A0; échéance", french, StringComparison.Ordinal);
        Assert.Contains(entries[^1].At.ToString("G", CultureInfo.GetCultureInfo("fr")), french, StringComparison.Ordinal);
        Assert.All(entries, entry => Assert.DoesNotContain(entry.Action, french, StringComparison.Ordinal));
    }

    /// <summary>The text a reader sees on the campaign's audit log (not the codes in its attributes).</summary>
    private static async Task<string> LogAsync(HttpClient staff, int campaignId) =>
        new HtmlParser().ParseDocument(await staff.GetStringAsync($"/staff/audit?campaign={campaignId}")).QuerySelector("table")!.TextContent;
}

public sealed class AuditLogPageOnSqlite() : AuditLogPageTests(DatabaseProvider.Sqlite);

public sealed class AuditLogPageOnPostgres() : AuditLogPageTests(DatabaseProvider.Postgres);
