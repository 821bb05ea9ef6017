using System.Globalization;
using System.Text;
using System.Xml;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Campaigns;

/// <summary>
/// <c>/sitemap.xml</c> (sitemaps.org 0.9): the home page, every public campaign and every update on their pages, with
/// absolute addresses from Site:PublicUrl and the day each last changed, for search engines to find them all.
/// </summary>
public static class Sitemap
{
    public const string Path = "sitemap.xml";

    private const string Namespace = "http://www.sitemaps.org/schemas/sitemap/0.9";

    public static IEndpointRouteBuilder MapSitemap(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/" + Path, GetAsync);
        return endpoints;
    }

    private static async Task<IResult> GetAsync(CountersignDb db, IOptions<SiteOptions> site, CancellationToken cancellationToken)
    {
        var campaigns = await db.Campaigns.AsNoTracking().Where(Campaign.Public).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Slug, c.UpdatedAt }).ToListAsync(cancellationToken);
        var ids = campaigns.Select(c => c.Id).ToList();
        var updates = (await db.CampaignUpdates.AsNoTracking().Where(u => ids.Contains(u.CampaignId) && u.State == UpdateState.Published)
            .OrderBy(u => u.Id).Select(u => new { u.Id, u.CampaignId, u.PublishedAt }).ToListAsync(cancellationToken))
            .ToLookup(u => u.CampaignId);

        using var buffer = new MemoryStream();
        await using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Async = true }))
        {
            await xml.WriteStartDocumentAsync();
            await xml.WriteStartElementAsync(null, "urlset", Namespace);
            await WriteAsync(xml, site.Value.Link(""), lastChanged: null);
            foreach (var campaign in campaigns)
            {
                await WriteAsync(xml, site.Value.Link($"c/{campaign.Slug}"), campaign.UpdatedAt);
                foreach (var update in updates[campaign.Id])
                {
                    await WriteAsync(xml, site.Value.Link($"c/{campaign.Slug}/updates/{update.Id}"), update.PublishedAt);
                }
            }

            await xml.WriteEndElementAsync();
            await xml.WriteEndDocumentAsync();
        }

        return Results.Bytes(buffer.ToArray(), "application/xml; charset=utf-8");
    }

    private static async Task WriteAsync(XmlWriter xml, string address, DateTime? lastChanged)
    {
        await xml.WriteStartElementAsync(null, "url", Namespace);
        await xml.WriteElementStringAsync(null, "loc", Namespace, address);
        if (lastChanged is { } day)
        {
            await xml.WriteElementStringAsync(null, "lastmod", Namespace, day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        }

        await xml.WriteEndElementAsync();
    }
}
