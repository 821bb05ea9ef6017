using System.Globalization;
using Countersign.Campaigns;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Localization;

namespace Countersign.Hosting;

/// <summary>
/// What a page shows when its address is shared (OpenGraph and Twitter card tags, and its canonical address), as a
/// page sets it in <c>ViewData</c> (<see cref="Set"/>) and the layout writes it. Addresses are paths here, made
/// absolute from Site:PublicUrl by the layout, never from the request. A page that sets none (a sponsor link, a
/// personal link carrying a token) gets the site's generic preview, which names nothing but the site.
/// </summary>
/// <param name="Title">The page's title; null: the site's name.</param>
/// <param name="Description">A sentence or two on the page; null: the site's own.</param>
/// <param name="Path">The page's canonical path, as a page name or route builds it; null: the page has none to share (the site's home is named instead).</param>
/// <param name="ImagePath">The share image's path; null: the site's own image.</param>
/// <param name="IsCampaign">A campaign's page, whose large image is worth a large card.</param>
public sealed record PagePreview(string? Title, string? Description, string? Path, string? ImagePath = null, string? ImageAlt = null, bool IsCampaign = false)
{
    private const string Key = nameof(PagePreview);

    /// <summary>
    /// The preview of a page of a public campaign (its page, an update, its comments, the steps of signing it): its
    /// share image with its count. Never for a campaign that is not public: its sponsor link is its organisers' to pass on.
    /// </summary>
    /// <param name="path">The page's own address when it is not the campaign page's (an update's); the pages of the steps of signing name the campaign's.</param>
    /// <param name="title">The page's own title when it is not the campaign's (an update's).</param>
    public static PagePreview ForCampaign(Campaign campaign, IUrlHelper url, IStringLocalizer t, string? path = null, string? title = null) => new(
        title ?? campaign.Title,
        campaign.Summary,
        // The empty sponsor token keeps a sponsor link's own token, an ambient route value on its pages, out of the address.
        path ?? url.Page("/Campaigns/Show", new { slug = campaign.Slug, sponsorToken = "" }),
        url.RouteUrl(SharePreview.RouteName, new { slug = campaign.Slug }),
        t["“{0}”, how many have signed it and who hosts it", campaign.Title],
        IsCampaign: true);

    /// <summary>The preview of a page of the site that is no campaign's (the home page, the privacy page).</summary>
    public static PagePreview ForPage(string? title, string? description, string? path) => new(title, description, path);

    /// <summary>OpenGraph's spelling of the reader's language with the region whose formats the site uses for it: en_GB, fr_FR.</summary>
    public static string Locale(string language) =>
        CultureInfo.CreateSpecificCulture(CountersignApp.FormatsOf(language).Name).Name.Replace('-', '_');

    public void Set(ViewDataDictionary viewData) => viewData[Key] = this;

    /// <summary>The preview the page set, or null for the site's generic one.</summary>
    public static PagePreview? Of(ViewDataDictionary viewData) => viewData[Key] as PagePreview;
}
