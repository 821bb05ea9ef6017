using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Hosting;
using Countersign.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Campaigns;

/// <summary>"1 signature", never "1 signatures": the timeline, the count and the organisers' emails in English and French.</summary>
public abstract class MilestoneWordingTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_write_one_signature_in_the_singular_in_each_language()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", goal: 1);
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        await Site.QueryAsync(db =>
        {
            db.CampaignEvents.AddRange(
                new CampaignEvent { CampaignId = campaign.Id, Kind = CampaignEventKind.Milestone, Milestone = 1, Day = today, Text = "", CreatedAt = now },
                new CampaignEvent { CampaignId = campaign.Id, Kind = CampaignEventKind.Milestone, Milestone = 1_000_000, Day = today, Text = "", CreatedAt = now });
            return db.SaveChangesAsync();
        });

        var english = await PageAsync("en");
        Assert.Contains(">1 signature<", english, StringComparison.Ordinal);
        Assert.Contains(">1,000,000 signatures<", english, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"0 of 1 signature\"", english, StringComparison.Ordinal);
        Assert.DoesNotContain("1 signatures", english, StringComparison.Ordinal);

        var french = await PageAsync("fr");
        var space = CultureInfo.GetCultureInfo("fr").NumberFormat.NumberGroupSeparator;
        Assert.Contains(">1 signature<", french, StringComparison.Ordinal);
        Assert.Contains($">1{space}000{space}000 de signatures<", french, StringComparison.Ordinal);
        Assert.Contains("aria-label=\"0 signature sur 1\"", french, StringComparison.Ordinal);

        var emails = Site.Services.GetRequiredService<StaffEmails>();
        Assert.Equal($"1 signature: {campaign.Title}", emails.MilestoneReached("organiser@example.org", campaign.Title, campaign.Id, 1).Subject);
        using (new CultureScope("fr"))
        {
            var reached = emails.MilestoneReached("organiser@example.org", campaign.Title, campaign.Id, 1);
            Assert.Equal($"1 signature\u00A0: {campaign.Title}", reached.Subject);
            Assert.Contains("a dépassé 1 signature confirmée.", reached.TextBody, StringComparison.Ordinal);
        }
    }

    private async Task<string> PageAsync(string language)
    {
        var browser = Site.Browser();
        browser.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));
        return WebUtility.HtmlDecode(await browser.GetStringAsync("/c/drop-the-stake"));
    }
}

public sealed class MilestoneWordingOnSqlite() : MilestoneWordingTests(DatabaseProvider.Sqlite);

public sealed class MilestoneWordingOnPostgres() : MilestoneWordingTests(DatabaseProvider.Postgres);
