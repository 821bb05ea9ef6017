using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// The pulse page, which the campaign page's script fetches to keep its count and latest signers current: the same
/// figures in the reader's language, for public campaigns only, kept by no cache.
/// </summary>
public sealed class PulsePageTests : IAsyncLifetime
{
    private TestSite _site = null!;

    public async Task InitializeAsync() => _site = await TestSite.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Should_give_the_current_count_in_the_readers_language_and_be_kept_by_no_cache()
    {
        var campaign = await _site.AddCampaignAsync(goal: 2000);
        var page = await _site.Browser().GetStringAsync($"/c/{campaign.Slug}");
        Assert.Matches($"<script type=\"module\" src=\"/js/pulse\\.[a-z0-9]{{10}}\\.js\" data-pulse=\"/c/{campaign.Slug}/pulse\"", page);

        await _site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, 1234)));
        var french = _site.Browser();
        french.DefaultRequestHeaders.AcceptLanguage.Add(new("fr"));
        var pulse = await french.GetAsync($"/c/{campaign.Slug}/pulse");

        Assert.Equal(HttpStatusCode.OK, pulse.StatusCode);
        Assert.True(pulse.Headers.CacheControl is { NoStore: true, NoCache: true }, $"Cache-Control: {pulse.Headers.CacheControl}");
        var fragment = WebUtility.HtmlDecode(await pulse.Content.ReadAsStringAsync());
        Assert.Contains(1234.ToString("N0", new System.Globalization.CultureInfo("fr-FR")), fragment, StringComparison.Ordinal);
        Assert.Contains("signatures", fragment, StringComparison.Ordinal);
        Assert.Contains("objectif", fragment, StringComparison.Ordinal);
        Assert.DoesNotContain("<html", fragment, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CampaignState.Draft)]
    [InlineData(CampaignState.Sponsoring)]
    [InlineData(CampaignState.InReview)]
    public async Task Should_not_exist_for_a_campaign_not_public(string state)
    {
        var campaign = await _site.AddCampaignAsync("not-public", state);

        Assert.Equal(HttpStatusCode.NotFound, (await _site.Browser().GetAsync($"/c/{campaign.Slug}/pulse")).StatusCode);
    }

    [Theory]
    [InlineData("/c/unknown/pulse")]
    [InlineData("/c/stop-the-cameras%2500/pulse")]
    [InlineData("/c/STOP-THE-CAMERAS%2F..%2Fpulse/pulse")]
    [InlineData("/c/%E2%80%AEstop/pulse")]
    public async Task Should_answer_not_found_to_odd_addresses(string address)
    {
        await _site.AddCampaignAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await _site.Browser().GetAsync(address)).StatusCode);
    }

    [Fact]
    public async Task Should_leave_a_closed_campaigns_page_still()
    {
        var campaign = await _site.AddCampaignAsync(state: CampaignState.Closed);

        var page = await _site.Browser().GetStringAsync($"/c/{campaign.Slug}");

        Assert.DoesNotContain("data-pulse", page, StringComparison.Ordinal);
        Assert.DoesNotContain("/js/pulse.", page, StringComparison.Ordinal);
    }
}
