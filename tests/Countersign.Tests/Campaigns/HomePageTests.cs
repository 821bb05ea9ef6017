using System.Net;
using System.Text.Json;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// Julie opens the home page: the campaigns she can still sign come first, then the victories, then the campaigns
/// that ended otherwise; she finds one by a word of its title, its target or a host, however she types it; its JSON
/// twin says the same.
/// </summary>
public abstract class HomePageTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly string[] Sections = ["open", "victories", "ended"];

    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Site = await TestSite.StartAsync(provider);
        await AddAsync("open-small", CampaignState.Open, "Stop the cameras at the station", "City council", "Station Watch", count: 40);
        await AddAsync("open-big", CampaignState.Open, "Pas de caméras à l'École Jean-Jaurès", "Mairie de Saint-Étienne", "Parents d'élèves", count: 900);
        await AddAsync("won-early", CampaignState.Closed, "Drop the stake in the checkpoint firm", "Microsoft", "Jewish Voice for Peace", count: 75_000,
            outcome: (CampaignOutcome.Won, new DateOnly(2020, 3, 27)));
        await AddAsync("won-late", CampaignState.Delivered, "No surveillance sponsors at the conference", "ECCV", "PACBI", count: 2_000,
            outcome: (CampaignOutcome.Won, new DateOnly(2021, 6, 1)));
        await AddAsync("lost-one", CampaignState.Delivered, "Keep the scanners out of the stadium", "Football league", "Fans United", count: 300,
            outcome: (CampaignOutcome.Lost, new DateOnly(2021, 1, 1)));
        await AddAsync("withdrawn-after-launch", CampaignState.Withdrawn, "A campaign its hosts gave up", "Someone", "Somebody", count: 12);
        foreach (var (slug, state) in new[] { ("a-draft", CampaignState.Draft), ("in-review", CampaignState.InReview), ("gathering", CampaignState.Sponsoring), ("rejected", CampaignState.Rejected) })
        {
            await AddAsync(slug, state, "Unseen " + slug, "Unseen target", "Unseen host", count: 1);
        }
    }

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_list_open_campaigns_first_then_victories_then_the_others_that_ended_and_nothing_unpublished()
    {
        var page = WebUtility.HtmlDecode(await Site.Browser().GetStringAsync("/"));

        Assert.Equal(["open-big", "open-small", "won-late", "won-early", "withdrawn-after-launch", "lost-one"], Listed(page));
        Assert.True(page.IndexOf(">Open campaigns</h2>", StringComparison.Ordinal) < page.IndexOf("/c/open-big\"", StringComparison.Ordinal));
        Assert.True(page.IndexOf(">Victories</h2>", StringComparison.Ordinal) < page.IndexOf("/c/won-late\"", StringComparison.Ordinal));
        Assert.True(page.IndexOf(">Closed campaigns</h2>", StringComparison.Ordinal) < page.IndexOf("/c/lost-one\"", StringComparison.Ordinal));
        Assert.Contains("Target: <span lang=\"en\" dir=\"ltr\">Microsoft</span>", page, StringComparison.Ordinal);
        Assert.Contains("75,000", page, StringComparison.Ordinal);
        Assert.Matches("<strong class=\"outcome-won\">\\s*Won\\s*</strong>", page);
        Assert.Matches("<strong class=\"outcome-lost\">\\s*Lost\\s*</strong>", page);
        Assert.DoesNotContain("Unseen", page, StringComparison.Ordinal);
        Assert.Contains("<link rel=\"alternate\" type=\"application/json\" href=\"/index.json\">", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ecole", "open-big")]
    [InlineData("SAINT etienne", "open-big")]
    [InlineData("parents D'ÉLÈVES", "open-big")]
    [InlineData("microsoft", "won-early")]
    [InlineData("pacbi", "won-late")]
    [InlineData("cameras", "open-small open-big")]
    [InlineData("%' OR 1=1 --", "")]
    [InlineData("Unseen", "")]
    public async Task Should_find_campaigns_by_a_word_of_their_title_target_or_host_whatever_its_case_and_accents(string query, string expected)
    {
        var page = WebUtility.HtmlDecode(await Site.Browser().GetStringAsync("/?q=" + Uri.EscapeDataString(query)));
        var found = expected.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(found.Order(), Listed(page).Order());
        Assert.Contains($"value=\"{query}\"", page, StringComparison.Ordinal);
        Assert.Contains(found.Length == 0 ? $"No campaign matches “{query}”." : $"Campaigns matching “{query}”: {found.Length}.", page, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(await Site.Browser().GetStringAsync("/index.json?q=" + Uri.EscapeDataString(query)));
        Assert.Equal(found.Order(), Sections
            .SelectMany(section => json.RootElement.GetProperty(section).EnumerateArray().Select(c => c.GetProperty("slug").GetString()!)).Order());
    }

    [Fact]
    public async Task Should_refuse_a_search_longer_than_any_title_with_a_clear_message_on_the_page_and_its_json()
    {
        var longest = new string('a', PublicCampaigns.QueryMaxLength);
        Assert.Equal(HttpStatusCode.OK, (await Site.Browser().GetAsync("/?q=" + longest)).StatusCode);

        var tooLong = await Site.Browser().GetAsync("/?q=" + longest + "a");
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains($"Search with fewer words: at most {PublicCampaigns.QueryMaxLength} characters.", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var tooLongJson = await Site.Browser().GetAsync("/index.json?q=" + longest + "a");
        Assert.Equal(HttpStatusCode.BadRequest, tooLongJson.StatusCode);
        Assert.Contains("at most", await tooLongJson.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_give_the_home_page_a_json_twin_with_its_sections_and_public_fields_only()
    {
        using var json = JsonDocument.Parse(await Site.Browser().GetStringAsync("/index.json"));
        var root = json.RootElement;

        Assert.Equal(["open-big", "open-small"], Slugs(root, "open"));
        Assert.Equal(["won-late", "won-early"], Slugs(root, "victories"));
        Assert.Equal(["withdrawn-after-launch", "lost-one"], Slugs(root, "ended"));
        var won = root.GetProperty("victories")[0];
        Assert.Equal($"{TestSite.PublicUrl}/c/won-late", won.GetProperty("url").GetString());
        Assert.Equal($"{TestSite.PublicUrl}/c/won-late.json", won.GetProperty("json").GetString());
        Assert.Equal(2_000, won.GetProperty("signature_count").GetInt32());
        Assert.Equal(("delivered", "won", "2021-06-01"), (won.GetProperty("state").GetString(), won.GetProperty("outcome").GetProperty("state").GetString(), won.GetProperty("outcome").GetProperty("date").GetString()));
        Assert.Equal("en", won.GetProperty("language").GetString());
        Assert.Equal(
            ["deadline", "goal", "hosts", "json", "language", "outcome", "signature_count", "slug", "state", "summary", "targets", "title", "url"],
            won.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
    }

    private static List<string> Slugs(JsonElement root, string section) =>
        root.GetProperty(section).EnumerateArray().Select(c => c.GetProperty("slug").GetString()!).ToList();

    /// <summary>The campaigns a page links to, in the order of their cards' titles.</summary>
    private static List<string> Listed(string page) =>
        System.Text.RegularExpressions.Regex.Matches(page, "<h3 [^>]*><a href=\"/c/(?<slug>[a-z0-9-]+)\">").Select(m => m.Groups["slug"].Value).ToList();

    private async Task AddAsync(string slug, string state, string title, string target, string host, int count, (string Outcome, DateOnly On)? outcome = null)
    {
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        // Walked the shortest way, a withdrawn campaign never opened: this one did, and its page stays public.
        var campaign = TestCampaigns.Make(now, slug, state == CampaignState.Withdrawn ? CampaignState.Open : state, hosts: [host]);
        if (state == CampaignState.Withdrawn)
        {
            campaign.Withdraw(now);
        }

        campaign.Title = title;
        campaign.Targets = [target];
        campaign.SignatureCount = count;
        if (outcome is { } recorded)
        {
            campaign.RecordOutcome(recorded.Outcome, recorded.On, text: null, now);
        }

        await Site.QueryAsync(db =>
        {
            db.Campaigns.Add(campaign);
            return db.SaveChangesAsync();
        });
        Site.Clock.Advance(TimeSpan.FromMinutes(1));
    }
}

public sealed class HomePageOnSqlite() : HomePageTests(DatabaseProvider.Sqlite);

public sealed class HomePageOnPostgres() : HomePageTests(DatabaseProvider.Postgres);
