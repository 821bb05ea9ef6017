using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// A reader shares a campaign from its page, before signing, and from the thanks page, after: every link carries
/// the campaign's address, Mastodon through the reader's own server. The forms' answers open at the form.
/// Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class SharingTests(DatabaseProvider provider) : IAsyncLifetime
{
    protected TestSite Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Theory]
    [InlineData("/c/stop-the-cameras", "Will you sign")]
    [InlineData("/c/stop-the-cameras/thanks", "I signed")]
    public async Task Should_share_the_campaign_address_on_every_channel(string path, string line)
    {
        await Site.AddCampaignAsync("stop-the-cameras");
        var panel = SharePanel(await PageAsync(Site.Browser(), path));

        var links = panel.QuerySelectorAll(".share-links a").ToList();
        Assert.Equal(ShareLinks.Channels.Where(channel => channel != ShareLinks.Mastodon), links.Select(link => link.TextContent));
        Assert.All(links, link =>
        {
            // Each marked with its channel, so the signatures it brings count for that channel.
            Assert.Contains(Uri.EscapeDataString($"{TestSite.PublicUrl}/c/stop-the-cameras?via={link.TextContent.ToLowerInvariant()}"), link.GetAttribute("href"), StringComparison.Ordinal);
            Assert.Equal("noopener noreferrer", link.GetAttribute("rel"));
        });
        Assert.Contains(line, Uri.UnescapeDataString(links[0].GetAttribute("href")!), StringComparison.Ordinal);
        Assert.Equal($"{TestSite.PublicUrl}/c/stop-the-cameras?via=copy", panel.QuerySelector("input.share-url")?.GetAttribute("value"));
        Assert.Equal($"{TestSite.PublicUrl}/c/stop-the-cameras?via=copy", panel.GetAttribute("data-share-url"));
        Assert.Equal("/c/stop-the-cameras/share/mastodon", panel.QuerySelector("form.share-mastodon")?.GetAttribute("action"));
    }

    [Fact]
    public async Task Should_leave_the_share_panel_off_a_campaign_seen_through_its_sponsor_link()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake", CampaignState.Sponsoring);

        var page = await PageAsync(Site.Browser(), "/" + campaign.SponsorPath);

        Assert.NotNull(page.QuerySelector("aside.sign form"));
        Assert.Null(page.QuerySelector(".share"));
    }

    [Theory]
    [InlineData("mastodon.social", "mastodon.social", "Will you sign")]
    [InlineData("https://Mastodon.Social/", "mastodon.social", "Will you sign")]
    [InlineData("@amal@fosstodon.org", "fosstodon.org", "I signed")]
    public async Task Should_send_the_reader_to_a_new_post_on_their_mastodon_server(string typed, string server, string line)
    {
        await Site.AddCampaignAsync("stop-the-cameras");

        var response = await Site.Browser().GetAsync(MastodonPath(typed, afterSigning: line == "I signed"));
        var page = await DocumentAsync(response);

        // A page that moves on rather than a redirect, which the campaign page's form-action 'self' would refuse.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var refresh = page.QuerySelector("meta[http-equiv=refresh]")?.GetAttribute("content");
        var destination = page.QuerySelector($"main a[href^='https://{server}/']")?.GetAttribute("href");
        Assert.Equal($"0; url={destination}", refresh);
        Assert.StartsWith($"https://{server}/share?text=", destination, StringComparison.Ordinal);
        Assert.EndsWith(Uri.EscapeDataString($"{TestSite.PublicUrl}/c/stop-the-cameras?via=mastodon"), destination, StringComparison.Ordinal);
        Assert.Contains(line, Uri.UnescapeDataString(destination!), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    [InlineData("evil.example/phish?x=")]
    [InlineData("mastodon.social:8443")]
    [InlineData("javascript:alert(1)")]
    public async Task Should_refuse_a_server_that_is_not_a_dns_name_with_400_and_the_form_again(string typed)
    {
        await Site.AddCampaignAsync("stop-the-cameras");

        var response = await Site.Browser().GetAsync(MastodonPath(typed, afterSigning: false));
        var page = await DocumentAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(page.QuerySelector("meta[http-equiv=refresh]"));
        Assert.Contains("Type the name of your Mastodon server alone", page.QuerySelector(".error-summary")?.TextContent, StringComparison.Ordinal);
        var field = page.QuerySelector("input#mastodon-server");
        Assert.Equal(typed, field?.GetAttribute("value") ?? "");
        Assert.Equal("true", field?.GetAttribute("aria-invalid"));
    }

    [Fact]
    public async Task Should_share_on_mastodon_only_a_public_campaign()
    {
        await Site.AddCampaignAsync("a-draft", CampaignState.Draft);
        await Site.AddCampaignAsync("drop-the-stake", CampaignState.Sponsoring);

        foreach (var slug in new[] { "a-draft", "drop-the-stake", "no-such-campaign" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync($"/c/{slug}/share/mastodon?server=mastodon.social")).StatusCode);
        }
    }

    [Fact]
    public async Task Should_open_a_refused_signature_at_the_form_with_its_problems()
    {
        var campaign = await Site.AddCampaignAsync("stop-the-cameras");
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, CommentMode.PostModerated)));
        var browser = Site.Browser();
        var page = await PageAsync(browser, "/c/stop-the-cameras");

        // Both forms' addresses end at the form, so the answer opens there even without scripts.
        Assert.Equal("#sign", page.QuerySelector("#sign form")?.GetAttribute("action"));
        Assert.EndsWith("#add-comment", page.QuerySelector("#add-comment form")?.GetAttribute("action"), StringComparison.Ordinal);

        var refused = await FormFiller.PostAsync(browser, "/c/stop-the-cameras", SigningTests.Form(campaign, name: ""));
        var answer = await DocumentAsync(refused);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.NotNull(answer.QuerySelector("#sign .error-summary[tabindex='-1']"));
        Assert.Contains(answer.Scripts, script => StaticFiles.Unfingerprinted(script.GetAttribute("src")) == "/js/error-focus.js");
    }

    private static string MastodonPath(string typed, bool afterSigning) =>
        $"/c/stop-the-cameras/share/mastodon?server={Uri.EscapeDataString(typed)}" + (afterSigning ? "&afterSigning=true" : "");

    private static IElement SharePanel(IDocument page) => page.QuerySelector("section.share") ?? throw new InvalidOperationException("No share panel on the page.");

    private static async Task<IDocument> PageAsync(HttpClient browser, string path)
    {
        var response = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await DocumentAsync(response);
    }

    private static async Task<IDocument> DocumentAsync(HttpResponseMessage response) =>
        new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
}

public sealed class SharingOnSqlite() : SharingTests(DatabaseProvider.Sqlite);

public sealed class SharingOnPostgres() : SharingTests(DatabaseProvider.Postgres);
