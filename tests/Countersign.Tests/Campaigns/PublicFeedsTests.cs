using System.Net;
using System.ServiceModel.Syndication;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// What reaches people who never open the home page: a feed reader following a campaign's updates, and a search
/// engine reading the sitemap and robots.txt, which keep it to the public pages and away from personal links.
/// </summary>
public abstract class PublicFeedsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Sitemaps = "http://www.sitemaps.org/schemas/sitemap/0.9";

    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_serve_a_valid_atom_feed_of_a_campaigns_published_updates_newest_first_linked_from_its_page()
    {
        var campaign = await Site.AddCampaignAsync();
        var first = await AddUpdateAsync(campaign, "The council listened", UpdateState.Published);
        var second = await AddUpdateAsync(campaign, "The vote is <postponed>", UpdateState.Published);
        await AddUpdateAsync(campaign, "A secret draft", UpdateState.Draft);
        await AddUpdateAsync(campaign, "Posted by mistake", UpdateState.Hidden);
        var draftCampaign = await Site.AddCampaignAsync("not-yet", CampaignState.Draft);

        var page = await Site.Browser().GetStringAsync($"/c/{campaign.Slug}");
        Assert.Contains($"<link rel=\"alternate\" type=\"application/atom+xml\" href=\"/c/{campaign.Slug}/updates.atom\"", page, StringComparison.Ordinal);

        var response = await Site.Browser().GetAsync($"/c/{campaign.Slug}/updates.atom");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UpdatesFeed.MediaType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();

        // Read as a feed reader would, with the Atom 1.0 rules the reader checks (one id, title and updated per entry).
        using (var reader = XmlReader.Create(new StringReader(body)))
        {
            var feed = SyndicationFeed.Load(reader);
            Assert.Equal(campaign.Title, feed.Title.Text);
            Assert.Equal([second.Title, first.Title], feed.Items.Select(i => i.Title.Text));
            Assert.All(feed.Items, item => Assert.Single(item.Authors, author => author.Name == campaign.Hosts[0].Name));
        }

        var atom = XDocument.Parse(body).Root!;
        Assert.Equal(Atom + "feed", atom.Name);
        Assert.Equal("en", atom.Attribute(XNamespace.Xml + "lang")?.Value);
        Assert.Equal($"{TestSite.PublicUrl}/c/{campaign.Slug}", atom.Element(Atom + "id")?.Value);
        Assert.Equal($"{TestSite.PublicUrl}/c/{campaign.Slug}/updates.atom", atom.Elements(Atom + "link").Single(l => l.Attribute("rel")?.Value == "self").Attribute("href")?.Value);
        var entries = atom.Elements(Atom + "entry").ToList();
        Assert.Equal(
            [$"{TestSite.PublicUrl}/c/{campaign.Slug}/updates/{second.Id}", $"{TestSite.PublicUrl}/c/{campaign.Slug}/updates/{first.Id}"],
            entries.Select(e => e.Element(Atom + "id")?.Value));
        Assert.Equal("html", entries[0].Element(Atom + "content")?.Attribute("type")?.Value);
        Assert.Contains("<strong>news</strong>", entries[0].Element(Atom + "content")?.Value, StringComparison.Ordinal);
        Assert.DoesNotContain("A secret draft", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Posted by mistake", body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync($"/c/{draftCampaign.Slug}/updates.atom")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync("/c/no-such-campaign/updates.atom")).StatusCode);
    }

    [Fact]
    public async Task Should_list_the_home_page_public_campaigns_and_their_published_updates_in_the_sitemap()
    {
        var open = await Site.AddCampaignAsync("open-one");
        var closed = await Site.AddCampaignAsync("closed-one", CampaignState.Closed);
        await Site.AddCampaignAsync("a-draft", CampaignState.Draft);
        var shown = await AddUpdateAsync(open, "Shown", UpdateState.Published);
        await AddUpdateAsync(open, "Hidden", UpdateState.Hidden);
        await AddUpdateAsync(closed, "Draft", UpdateState.Draft);

        var response = await Site.Browser().GetAsync("/sitemap.xml");
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var sitemap = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;

        Assert.Equal(Sitemaps + "urlset", sitemap.Name);
        var urls = sitemap.Elements(Sitemaps + "url").ToList();
        Assert.Equal(
            [$"{TestSite.PublicUrl}/", $"{TestSite.PublicUrl}/c/open-one", $"{TestSite.PublicUrl}/c/open-one/updates/{shown.Id}", $"{TestSite.PublicUrl}/c/closed-one"],
            urls.Select(u => u.Element(Sitemaps + "loc")?.Value));
        Assert.All(urls.Skip(1), url => Assert.Matches("^[0-9]{4}-[0-9]{2}-[0-9]{2}$", url.Element(Sitemaps + "lastmod")?.Value ?? ""));
    }

    [Fact]
    public async Task Should_let_crawlers_read_the_public_pages_and_keep_them_off_staff_pages_and_personal_links()
    {
        var response = await Site.Browser().GetAsync("/robots.txt");
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var robots = await response.Content.ReadAsStringAsync();
        var lines = robots.Split('\n');

        Assert.Contains("User-agent: *", lines);
        Assert.Contains($"Sitemap: {TestSite.PublicUrl}/sitemap.xml", lines);
        var disallowed = lines.Where(l => l.StartsWith("Disallow: ", StringComparison.Ordinal)).Select(l => l["Disallow: ".Length..]).ToList();

        string[] publicPages = ["/", "/c/stop-the-cameras", "/c/stop-the-cameras.json", "/c/stop-the-cameras/comments", "/c/stop-the-cameras/updates/3",
            "/c/stop-the-cameras/updates.atom", "/privacy", "/index.json", "/sitemap.xml"];
        string[] privatePages = ["/staff", "/staff/campaigns/1", "/staff/invitation/abc", "/confirm/abc", "/erase/abc", "/u/abc", "/comments/confirm/abc",
            "/c/stop-the-cameras/sponsor/abc", "/c/stop-the-cameras/sponsor/abc/thanks", "/c/stop-the-cameras/thanks", "/c/stop-the-cameras/check-email",
            "/c/stop-the-cameras/comments/check-email", "/c/stop-the-cameras/altcha", "/language/fr"];
        var kept = publicPages.Where(path => disallowed.Any(rule => Matches(rule, path))).ToList();
        Assert.True(kept.Count == 0, "Public pages crawlers are kept off: " + string.Join(", ", kept));
        var open = privatePages.Where(path => !disallowed.Any(rule => Matches(rule, path))).ToList();
        Assert.True(open.Count == 0, "Private pages crawlers may read: " + string.Join(", ", open));
    }

    /// <summary>A robots.txt rule's match (RFC 9309): the path starts with the rule, where "*" stands for any characters.</summary>
    private static bool Matches(string rule, string path) =>
        Regex.IsMatch(path, "^" + string.Join(".*", rule.Split('*').Select(Regex.Escape)));

    private async Task<CampaignUpdate> AddUpdateAsync(Campaign campaign, string title, string state)
    {
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        var update = new CampaignUpdate
        {
            CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = title,
            BodyMarkdown = "Our **news** for you.", CreatedAt = now, UpdatedAt = now,
        };
        if (state != UpdateState.Draft)
        {
            update.Publish(now);
        }

        await Site.QueryAsync(async db =>
        {
            db.CampaignUpdates.Add(update);
            await db.SaveChangesAsync();
            if (state == UpdateState.Hidden)
            {
                await db.CampaignUpdates.Where(u => u.Id == update.Id).ExecuteUpdateAsync(u => u.SetProperty(x => x.State, UpdateState.Hidden));
            }

            return update.Id;
        });
        Site.Clock.Advance(TimeSpan.FromMinutes(1));
        return update;
    }
}

public sealed class PublicFeedsOnSqlite() : PublicFeedsTests(DatabaseProvider.Sqlite);

public sealed class PublicFeedsOnPostgres() : PublicFeedsTests(DatabaseProvider.Postgres);
