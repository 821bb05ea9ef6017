using System.ServiceModel.Syndication;
using System.Text;
using System.Xml;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.Extensions.Options;

namespace Countersign.Updates;

/// <summary>
/// <c>/c/{slug}/updates.atom</c>: an Atom 1.0 feed (RFC 4287) of a public campaign's published updates, newest first,
/// each with its text as the campaign page shows it, so people can follow a campaign without giving an address.
/// Read from <see cref="CampaignCache"/>, like the campaign page: a hidden update leaves the feed with it.
/// </summary>
public static class UpdatesFeed
{
    public const string RouteName = "CampaignUpdatesFeed";

    public const string MediaType = "application/atom+xml";

    public static IEndpointRouteBuilder MapUpdatesFeed(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/c/{slug}/updates.atom", GetAsync).WithName(RouteName);
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string slug, CountersignDb db, CampaignCache campaigns, IOptions<SiteOptions> site, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No public campaign has this address.");
        }

        var campaign = cached.Campaign;
        var page = site.Value.Link($"c/{campaign.Slug}");
        var lastUpdated = cached.Updates.Count > 0 ? cached.Updates[0].PublishedAt : DateTime.SpecifyKind(campaign.UpdatedAt, DateTimeKind.Utc);
        var feed = new SyndicationFeed(campaign.Title, campaign.Summary, new Uri(page), id: page, new DateTimeOffset(lastUpdated))
        {
            // The feed carries the campaign's words: xml:lang says which language they are in.
            Language = campaign.Language,
            Items = cached.Updates.Select(update =>
            {
                var address = site.Value.Link($"c/{campaign.Slug}/updates/{update.Id}");
                var item = new SyndicationItem(update.Title, SyndicationContent.CreateHtmlContent(update.BodyHtml), new Uri(address), id: address, new DateTimeOffset(update.PublishedAt))
                {
                    PublishDate = new DateTimeOffset(update.PublishedAt),
                };
                item.Authors.Add(new SyndicationPerson { Name = update.HostName });
                return item;
            }).ToList(),
        };
        feed.Links.Add(SyndicationLink.CreateSelfLink(new Uri(site.Value.Link($"c/{campaign.Slug}/updates.atom")), MediaType));

        // Atom asks for an author on the feed or on every entry: the campaign speaks for its hosts.
        foreach (var host in campaign.Hosts)
        {
            feed.Authors.Add(new SyndicationPerson { Name = host.Name, Uri = host.Website });
        }

        using var buffer = new MemoryStream();
        using (var xml = XmlWriter.Create(buffer, new XmlWriterSettings { Encoding = new UTF8Encoding(false) }))
        {
            new Atom10FeedFormatter(feed).WriteTo(xml);
        }

        return Results.Bytes(buffer.ToArray(), MediaType + "; charset=utf-8");
    }
}
