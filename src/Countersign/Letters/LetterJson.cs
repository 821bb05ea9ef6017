using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Letters;

/// <summary>
/// The JSON twin of a letter page, at <c>/c/{slug}/letter.json</c>: the letter as it reads now with its hash, every
/// version organisations signed, the totals, and the approved signatories with their marks. Never a contact.
/// </summary>
public static class LetterJson
{
    public const string RouteName = "LetterJson";

    public static IEndpointRouteBuilder MapLetterJson(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/c/{slug}/letter.json", GetAsync).WithName(RouteName).ReadableFromAnySite();
        return endpoints;
    }

    private static async Task<IResult> GetAsync(string slug, CountersignDb db, CampaignCache campaigns, MarkdownRenderer markdown, IOptions<SiteOptions> site, CancellationToken cancellationToken)
    {
        var letter = await PublicLetter.ReadAsync(db, campaigns, markdown, slug, cancellationToken);
        if (letter is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No public campaign with an open letter has this address.");
        }

        var campaign = letter.Campaign;
        var versions = await db.LetterVersions.AsNoTracking().Where(v => v.CampaignId == campaign.Id).OrderBy(v => v.Number).ToListAsync(cancellationToken);
        return Results.Json(new LetterDocument(
            campaign.Slug,
            campaign.Title,
            campaign.Language,
            site.Value.Link($"c/{campaign.Slug}/letter"),
            campaign.TakesCoSignatures,
            new TextDocument(campaign.LetterAddressees, campaign.LetterMarkdown, campaign.LetterCalls, letter.Hash),
            versions.Select(v => new VersionDocument(v.Number, v.HashHex, DateTime.SpecifyKind(v.RecordedAt, DateTimeKind.Utc), v.Addressees, v.TextMarkdown, v.Calls)).ToList(),
            new TotalsDocument(letter.Totals.Organisations, letter.Totals.Countries, letter.Totals.Members),
            letter.Signatories.Select(s => new SignatoryDocument(s.Id, s.Name, s.Description, s.Kind, s.CountryCode, s.Website, s.Members, s.ParentId,
                new MarksDocument(EmailConfirmed: true, s.DomainVerified, s.DnsVerified), s.VersionNumber, s.VersionHash, s.ApprovedAt)).ToList()), JsonDefaults.Options);
    }

    /// <param name="OpenToSignatures">Whether organisations can co-sign it now (the campaign is open).</param>
    public sealed record LetterDocument(string Slug, string CampaignTitle, string Language, string Url, bool OpenToSignatures, TextDocument Text,
        IReadOnlyList<VersionDocument> Versions, TotalsDocument Totals, IReadOnlyList<SignatoryDocument> Signatories);

    /// <param name="Sha256">The hash of the text as it reads now (<see cref="LetterVersion.HashOf"/>).</param>
    public sealed record TextDocument(string Addressees, string Markdown, IReadOnlyList<string> Calls, string Sha256);

    public sealed record VersionDocument(int Number, string Sha256, DateTime RecordedAt, string Addressees, string Markdown, IReadOnlyList<string> Calls);

    /// <param name="Members">Members represented, each counted once through nesting (<see cref="MemberTotals"/>).</param>
    public sealed record TotalsDocument(int Organisations, int Countries, long Members);

    /// <param name="DomainVerified">The contact's address is at the organisation's website's domain.</param>
    /// <param name="DnsVerified">The organisation proved its website's domain with a DNS TXT record (<see cref="DomainProof"/>).</param>
    public sealed record MarksDocument(bool EmailConfirmed, bool DomainVerified, bool DnsVerified);

    /// <param name="ParentId">The organisation on the letter it belongs to, when it is approved too.</param>
    public sealed record SignatoryDocument(long Id, string Name, string Description, string Kind, string Country, string Website, int? Members, long? ParentId,
        MarksDocument Marks, int Version, string VersionSha256, DateTime ApprovedAt);
}
