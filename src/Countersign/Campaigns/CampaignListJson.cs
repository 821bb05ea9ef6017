using Countersign.Hosting;
using Microsoft.Extensions.Options;

namespace Countersign.Campaigns;

/// <summary>
/// The JSON twin of the home page, at <c>/index.json</c> (<c>?q=</c> searches as the page does): the public campaigns
/// in the page's sections, with what their cards show and the addresses of their pages and JSON twins. Public fields
/// only, as on <see cref="CampaignJson"/>.
/// </summary>
public static class CampaignListJson
{
    public const string RouteName = "CampaignListJson";

    public static IEndpointRouteBuilder MapCampaignListJson(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/index.json", GetAsync).WithName(RouteName).ReadableFromAnySite();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string? q, PublicCampaigns campaigns, IOptions<SiteOptions> site, CancellationToken cancellationToken)
    {
        if (PublicCampaigns.IsTooLong(q))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: $"Search with fewer words: at most {PublicCampaigns.QueryMaxLength} characters.");
        }

        var listing = await campaigns.ListAsync(q, cancellationToken);
        List<CampaignSummary> Summaries(IEnumerable<Campaign> section) => section.Select(campaign => new CampaignSummary(
            campaign.Slug,
            campaign.Title,
            campaign.Summary,
            campaign.Language,
            site.Value.Link($"c/{campaign.Slug}"),
            site.Value.Link($"c/{campaign.Slug}.json"),
            campaign.State,
            new CampaignJson.OutcomeDocument(campaign.Outcome, campaign.OutcomeOn, campaign.OutcomeText),
            campaign.Goal,
            campaign.SignatureCount,
            campaign.Deadline,
            campaign.Targets,
            campaign.Hosts.Select(h => CampaignJson.HostDocument.Of(h, site.Value)).ToList())).ToList();

        return Results.Json(new CampaignListDocument(listing.Query, Summaries(listing.Open), Summaries(listing.Victories), Summaries(listing.Ended)), JsonDefaults.Options);
    }

    /// <param name="Query">The search the campaigns match; empty for all of them.</param>
    /// <param name="Open">Campaigns taking signatures, most signed first.</param>
    /// <param name="Victories">Ended campaigns whose outcome is won, latest first.</param>
    /// <param name="Ended">The other ended campaigns (closed, delivered, withdrawn after launch), latest first.</param>
    public sealed record CampaignListDocument(string Query, IReadOnlyList<CampaignSummary> Open, IReadOnlyList<CampaignSummary> Victories, IReadOnlyList<CampaignSummary> Ended);

    /// <param name="Language">The language the campaign's text is written in, a BCP 47 tag.</param>
    /// <param name="Json">The address of the campaign's own JSON twin, with its counts by country and day, updates and comments.</param>
    public sealed record CampaignSummary(
        string Slug,
        string Title,
        string Summary,
        string Language,
        string Url,
        string Json,
        string State,
        CampaignJson.OutcomeDocument Outcome,
        int Goal,
        int SignatureCount,
        DateOnly? Deadline,
        IReadOnlyList<string> Targets,
        IReadOnlyList<CampaignJson.HostDocument> Hosts);
}
