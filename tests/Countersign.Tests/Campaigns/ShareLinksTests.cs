using Countersign.Campaigns;
using Countersign.Hosting;
using Countersign.Tests.Infrastructure;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// Every share channel's address carries the campaign's address, escaped, and the line asking others to sign, in
/// English and in French (whose line has typographic quotes and non-breaking spaces). Mastodon servers are taken
/// only as plain DNS names. No database, no web host.
/// </summary>
public sealed class ShareLinksTests
{
    private static readonly SiteOptions Site = new() { PublicUrl = "https://petitions.example.org/" };

    /// <summary>The same localiser the app's pages get, reading the app's French resources.</summary>
    private static readonly IStringLocalizer Localiser = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance).Create(typeof(SharedResource));

    /// <summary>Channels whose address takes the campaign's address alone, their sites reading the rest from the page.</summary>
    private static readonly string[] AddressOnly = [ShareLinks.Facebook, ShareLinks.LinkedIn];

    public static TheoryData<string, bool> Languages => new() { { "en", false }, { "en", true }, { "fr", false }, { "fr", true } };

    [Theory]
    [MemberData(nameof(Languages))]
    public void Should_carry_the_escaped_campaign_address_and_line_on_every_channel(string language, bool afterSigning)
    {
        using var culture = new CultureScope(language);
        var campaign = TestCampaigns.Make(DateTime.UtcNow, slug: "stop-the-cameras");
        campaign.Title = "Cameras & \"smart\" gates at #Gare-du-Nord: 100% no?";
        var links = ShareLinks.For(campaign, afterSigning, Site, Localiser);
        var address = Uri.EscapeDataString("https://petitions.example.org/c/stop-the-cameras");

        Assert.Equal("https://petitions.example.org/c/stop-the-cameras", links.CampaignUrl);
        Assert.Equal("https://petitions.example.org/c/stop-the-cameras?via=copy", links.CopiedUrl);
        Assert.Contains(campaign.Title, links.Text, StringComparison.Ordinal);
        foreach (var channel in ShareLinks.Channels)
        {
            var link = channel == ShareLinks.Mastodon ? links.OnMastodon(MastodonServer.Parse("mastodon.social")!) : links.On(channel);

            Assert.Contains(address, link, StringComparison.Ordinal);
            var code = Assert.IsType<string>(Referral.Parse(channel.ToLowerInvariant()));
            Assert.Contains(Uri.EscapeDataString($"https://petitions.example.org/c/stop-the-cameras?via={code}"), link, StringComparison.Ordinal);
            Assert.DoesNotContain("@", link, StringComparison.Ordinal);
            Assert.True(link.All(c => char.IsAscii(c) && !char.IsWhiteSpace(c) && c is not ('"' or '<' or '>' or '#')), $"{channel}: not escaped: {link}");
            if (!AddressOnly.Contains(channel))
            {
                Assert.Contains(links.Text, Uri.UnescapeDataString(link), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Should_ask_in_french_for_a_french_reader()
    {
        var campaign = TestCampaigns.Make(DateTime.UtcNow);
        string Line(string language, bool afterSigning)
        {
            using var culture = new CultureScope(language);
            return ShareLinks.For(campaign, afterSigning, Site, Localiser).Text;
        }

        Assert.NotEqual(Line("en", afterSigning: false), Line("fr", afterSigning: false));
        Assert.NotEqual(Line("en", afterSigning: true), Line("fr", afterSigning: true));
        Assert.NotEqual(Line("fr", afterSigning: false), Line("fr", afterSigning: true));
        Assert.Contains("\u00a0", Line("fr", afterSigning: true), StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_mastodon_as_a_plain_link()
    {
        var links = ShareLinks.For(TestCampaigns.Make(DateTime.UtcNow), afterSigning: false, Site, Localiser);

        Assert.Throws<ArgumentException>(() => links.On(ShareLinks.Mastodon));
        Assert.Throws<ArgumentOutOfRangeException>(() => links.On("Signal"));
    }

    [Theory]
    [InlineData("mastodon.social", "mastodon.social")]
    [InlineData("  Mastodon.Social ", "mastodon.social")]
    [InlineData("https://mastodon.social/", "mastodon.social")]
    [InlineData("@someone@fosstodon.org", "fosstodon.org")]
    [InlineData("social.coop", "social.coop")]
    [InlineData("toot.café", "toot.xn--caf-dma")]
    [InlineData("m-1.example.xn--p1ai", "m-1.example.xn--p1ai")]
    public void Should_take_a_mastodon_server_named_as_people_copy_it(string typed, string host) =>
        Assert.Equal(host, MastodonServer.Parse(typed)?.Host);

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("mastodon.social:8080")]
    [InlineData("mastodon.social/share")]
    [InlineData("http://mastodon.social")]
    [InlineData("javascript:alert(1)")]
    [InlineData("mastodon.social?x=1")]
    [InlineData("mastodon.social#x")]
    [InlineData("masto don.social")]
    [InlineData("-mastodon.social")]
    [InlineData("mastodon-.social")]
    [InlineData("mastodon..social")]
    [InlineData("mastodon.social.")]
    [InlineData("mastodon.123")]
    [InlineData("mastodon_social.example")]
    public void Should_refuse_anything_but_a_dns_name_for_a_mastodon_server(string? typed) =>
        Assert.Null(MastodonServer.Parse(typed));

    [Fact]
    public void Should_refuse_names_longer_than_dns_allows()
    {
        var label = new string('a', 63);
        var longest = string.Join('.', label, label, label, new string('b', 61));
        Assert.Equal(MastodonServer.MaxLength, longest.Length);

        Assert.NotNull(MastodonServer.Parse(longest));
        Assert.Null(MastodonServer.Parse("a" + longest));
        Assert.Null(MastodonServer.Parse(new string('a', 64) + ".example"));
    }
}
