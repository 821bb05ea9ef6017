using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// Someone follows "Signatures by day and by country" from a campaign's page: charts, a map and tables drawn on the
/// server, which name no country with too few signers to hide among.
/// </summary>
public abstract partial class FiguresPageTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_show_the_days_the_map_and_the_countries_with_enough_signers_from_the_campaign_page()
    {
        var fewest = CampaignFigures.FewestSignersShownByCountry;
        var campaign = await Site.AddCampaignAsync();
        var today = DateOnly.FromDateTime(Site.Clock.GetUtcNow().UtcDateTime);
        Dictionary<string, int> byCountry = new() { ["FR"] = 1200, ["PS"] = fewest, ["BE"] = fewest - 1, ["IS"] = 1 };
        await Site.QueryAsync(async db =>
        {
            await Counters.AddAsync(db, campaign.Id, byCountry, new Dictionary<DateOnly, int> { [today] = byCountry.Values.Sum() });
            return 0;
        });

        var campaignPage = await Site.Browser().GetStringAsync($"/c/{campaign.Slug}");
        Assert.Contains($"href=\"/c/{campaign.Slug}/figures\"", campaignPage, StringComparison.Ordinal);

        var page = await Site.Browser().GetStringAsync($"/c/{campaign.Slug}/figures");

        // The countries table: most first, with their share, then the others together; Belgium and Iceland are not named anywhere.
        var rows = TableRow().Matches(page).Select(m => (m.Groups["name"].Value, m.Groups["count"].Value)).ToList();
        var total = byCountry.Values.Sum();
        Assert.Contains(("France", "1,200"), rows);
        Assert.Contains(("Palestinian Territories", fewest.ToString()), rows);
        Assert.Contains(("Other countries", (fewest - 1 + 1).ToString()), rows);
        Assert.Contains($"{100.0 * 1200 / total:0.0}%", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Belgium", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Iceland", page, StringComparison.Ordinal);

        // The map shades the named countries, each titled with its count, and only those.
        var shaded = ShadedCountry().Matches(page).Select(m => m.Groups["title"].Value).ToList();
        Assert.Equal(["France: 1,200 signatures", $"Palestinian Territories: {fewest} signatures"], shaded.Order());
        Assert.Contains("role=\"img\" aria-labelledby=\"map-title map-summary\"", page, StringComparison.Ordinal);

        // The day's bar, and the table of days with the running total.
        Assert.Contains($"<time datetime=\"{today:yyyy-MM-dd}\">", page, StringComparison.Ordinal);
        Assert.Single(Regex.Matches(page, "<rect x=\"[0-9.]+\" y=\"[0-9.]+\" width=\"[0-9.]+\" height=\"[0-9.]+\"><title>"));
        Assert.DoesNotContain("<script", page.Split("<main", 2)[1], StringComparison.Ordinal);
        Assert.Matches("<path class=\"chart-line\" d=\"M[0-9.]+,[0-9.]+H[0-9.]+\" />", page);

        // The JSON twin names the same countries, and no other.
        using var json = JsonDocument.Parse(await Site.Browser().GetStringAsync($"/c/{campaign.Slug}.json"));
        var named = json.RootElement.GetProperty("signatures_by_country").EnumerateArray().Select(c => (c.GetProperty("code").GetString(), c.GetProperty("signature_count").GetInt32()));
        Assert.Equal([("FR", 1200), ("PS", fewest)], named);
        Assert.Equal(fewest - 1 + 1, json.RootElement.GetProperty("signatures_in_other_countries").GetInt32());
    }

    [Fact]
    public async Task Should_say_when_nobody_has_signed_yet()
    {
        var campaign = await Site.AddCampaignAsync();

        var page = await Site.Browser().GetStringAsync($"/c/{campaign.Slug}/figures");

        Assert.Contains("Nobody has signed yet", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<svg", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(CampaignState.Draft)]
    [InlineData(CampaignState.InReview)]
    [InlineData(CampaignState.Sponsoring)]
    public async Task Should_answer_not_found_for_a_campaign_not_public(string state)
    {
        var campaign = await Site.AddCampaignAsync("not-public", state);

        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync($"/c/{campaign.Slug}/figures")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync("/c/no-such-campaign/figures")).StatusCode);
    }

    [GeneratedRegex("<tr[^>]*><th scope=\"row\">(?<name>[^<]+)</th><td class=\"number\">(?<count>[^<]+)</td><td class=\"number\">[^<]+</td></tr>")]
    private static partial Regex TableRow();

    [GeneratedRegex("<path class=\"map-shade-[1-5]\" d=\"[^\"]+\"><title>(?<title>[^<]+)</title>")]
    private static partial Regex ShadedCountry();
}

public sealed class FiguresPageOnSqlite() : FiguresPageTests(DatabaseProvider.Sqlite);

public sealed class FiguresPageOnPostgres() : FiguresPageTests(DatabaseProvider.Postgres);
