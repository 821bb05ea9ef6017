using System.Globalization;
using Countersign.Hosting;

namespace Countersign.Campaigns;

/// <summary>
/// A public campaign's embed for partners' sites: a small page at <c>/c/{slug}/embed</c> showing its title, count and
/// goal with a sign button, which other sites frame. The snippet organisers copy (the staff campaign page) and the one
/// oEmbed consumers get are both written here, so they always agree.
/// </summary>
/// <remarks>
/// The page sets no cookie and shows no personal data: it is the only one of ours any site may frame
/// (<see cref="SecurityHeaders.AllowFramingAnywhere"/>), and its sign button opens the campaign in a new tab rather than
/// taking signatures inside someone else's page.
/// </remarks>
public static class Embed
{
    public const string PageName = "/Campaigns/Embed";

    /// <summary>The size the staff page's snippet suggests; the page reads well from 300 × 200 up.</summary>
    public const int DefaultWidth = 400;
    public const int DefaultHeight = 220;

    /// <summary>How long browsers and proxies may keep the page: a count a minute old is fresh enough for a partner's sidebar.</summary>
    public const int CacheSeconds = 60;

    /// <summary>The embed's absolute address, for other sites to frame.</summary>
    public static string Address(SiteOptions site, string slug) => site.Link($"c/{slug}/embed");

    /// <summary>The <c>iframe</c> element that shows the embed on another site, its attributes escaped.</summary>
    public static string Snippet(SiteOptions site, Campaign campaign, int width = DefaultWidth, int height = DefaultHeight) =>
        string.Create(CultureInfo.InvariantCulture,
            $"""<iframe src="{Attribute(Address(site, campaign.Slug))}" title="{Attribute(campaign.Title)}" width="{width}" height="{height}" loading="lazy" style="border:0"></iframe>""");

    /// <summary>
    /// A quoted attribute's value, escaped for HTML. Only what HTML needs: the framework's encoder also writes every
    /// letter outside ASCII as a character reference, which a person copying the snippet would find hard to read.
    /// </summary>
    private static string Attribute(string value) =>
        value.Replace("&", "&amp;", StringComparison.Ordinal).Replace("\"", "&quot;", StringComparison.Ordinal)
            .Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
