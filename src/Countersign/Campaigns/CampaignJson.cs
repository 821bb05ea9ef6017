using Countersign.Data;
using Countersign.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Campaigns;

/// <summary>The JSON twin of a campaign page, at <c>/c/{slug}.json</c>, read from the counters.</summary>
public static class CampaignJson
{
    public static IEndpointRouteBuilder MapCampaignJson(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/c/{slug}.json", GetAsync).WithName("CampaignJson").ReadableFromAnySite();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string slug, CountersignDb db, CampaignCache campaigns, IOptions<SiteOptions> site, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicWithCurrentCountAsync(db, slug, cancellationToken);
        if (cached is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No public campaign has this address.");
        }

        var campaign = cached.Campaign;
        // Published as the figures page shows them: a country of a few signers could point at one of them.
        var (byCountry, otherCountries) = CampaignFigures.ByCountry(await db.CountryCounts.AsNoTracking().Where(c => c.CampaignId == campaign.Id)
            .Select(c => new CountryFigure(c.CountryCode, c.Count)).ToListAsync(cancellationToken));
        var byDay = await db.DayCounts.AsNoTracking().Where(c => c.CampaignId == campaign.Id)
            .OrderBy(c => c.Day).Select(c => new { c.Day, c.Count }).ToListAsync(cancellationToken);

        return Results.Json(new CampaignDocument(
            campaign.Slug,
            campaign.Title,
            campaign.Summary,
            campaign.Language,
            site.Value.Link($"c/{campaign.Slug}"),
            campaign.State,
            new OutcomeDocument(campaign.Outcome, campaign.OutcomeOn, campaign.OutcomeText),
            campaign.Goal,
            campaign.Deadline,
            campaign.Demands,
            campaign.Targets,
            campaign.Hosts.Select(h => HostDocument.Of(h, site.Value)).ToList(),
            campaign.Image is { } image
                ? new ImageDocument(image.Alt, image.Width, image.Height,
                    image.Widths.Select(width => new ImageFileDocument(width, image.HeightAt(width), site.Value.Link(CampaignImageEndpoint.Path(image, width)))).ToList())
                : null,
            campaign.SignatureCount,
            byCountry.Select(c => new CountryDocument(c.Code, Countries.Name(c.Code), c.Count)).ToList(),
            otherCountries,
            byDay.Select(d => new DayDocument(d.Day, d.Count)).ToList(),
            cached.Updates.Select(u => new UpdateDocument(u.Id, u.Title, u.HostName, u.PublishedAt, site.Value.Link($"c/{campaign.Slug}/updates/{u.Id}"), u.BodyMarkdown)).ToList(),
            campaign.CommentMode,
            cached.Comments.Select(c => new CommentDocument(c.Id, c.Name, c.PublishedAt, c.Text)).ToList(),
            DateTime.SpecifyKind(campaign.CreatedAt, DateTimeKind.Utc),
            DateTime.SpecifyKind(campaign.UpdatedAt, DateTimeKind.Utc)), JsonDefaults.Options);
    }

    /// <param name="Language">The language the campaign's text is written in, a BCP 47 tag (its comments may be in any).</param>
    /// <param name="SignaturesByCountry">The countries with enough signers that none of them can be singled out (<see cref="CampaignFigures.FewestSignersShownByCountry"/>).</param>
    /// <param name="SignaturesInOtherCountries">The signers of every other country together.</param>
    public sealed record CampaignDocument(
        string Slug,
        string Title,
        string Summary,
        string Language,
        string Url,
        string State,
        OutcomeDocument Outcome,
        int Goal,
        DateOnly? Deadline,
        IReadOnlyList<string> Demands,
        IReadOnlyList<string> Targets,
        IReadOnlyList<HostDocument> Hosts,
        ImageDocument? Image,
        int SignatureCount,
        IReadOnlyList<CountryDocument> SignaturesByCountry,
        int SignaturesInOtherCountries,
        IReadOnlyList<DayDocument> SignaturesByDay,
        IReadOnlyList<UpdateDocument> Updates,
        string CommentMode,
        IReadOnlyList<CommentDocument> Comments,
        DateTime CreatedAt,
        DateTime UpdatedAt);

    public sealed record OutcomeDocument(string State, DateOnly? Date, string? Text);

    /// <summary>A coalition partner still in the coalition: its own description and the address of its logo (WebP), if it gave them.</summary>
    public sealed record HostDocument(string Name, string? Website, string? Description, string? LogoUrl)
    {
        public static HostDocument Of(CampaignHost host, SiteOptions site) =>
            new(host.Name, host.Website, host.Description, CampaignImageEndpoint.LogoPath(host) is { } logo ? site.Link(logo) : null);
    }

    /// <summary>The header image: its description and each width's address (WebP).</summary>
    public sealed record ImageDocument(string Alt, int Width, int Height, IReadOnlyList<ImageFileDocument> Files);

    public sealed record ImageFileDocument(int Width, int Height, string Url);

    public sealed record CountryDocument(string Code, string Name, int SignatureCount);

    public sealed record DayDocument(DateOnly Date, int SignatureCount);

    /// <summary>A published update, newest first; its body is the organisers' Markdown.</summary>
    /// <summary>A published comment, newest first: its author's name and plain text, never their email address.</summary>
    public sealed record CommentDocument(long Id, string Name, DateTime PublishedAt, string Text);

    public sealed record UpdateDocument(int Id, string Title, string Host, DateTime PublishedAt, string Url, string Body);
}
