namespace Countersign.Signing;

/// <summary>
/// The signing form's widget fetches its challenge from <c>/c/{slug}/altcha</c>: one per form, never cached. The form
/// behind a sponsor link fetches it from <c>/c/{slug}/sponsor/{token}/altcha</c>, which answers only for the campaign's
/// own link; the comment form, from <c>/c/{slug}/comments/altcha</c>; a letter's co-signing form, from <c>/c/{slug}/letter/altcha</c>.
/// </summary>
public static class ProofOfWorkEndpoint
{
    public const string SigningChallenge = "ProofOfWorkChallenge";
    public const string SponsorSigningChallenge = "SponsorProofOfWorkChallenge";
    public const string CommentChallenge = "CommentProofOfWorkChallenge";
    public const string CoSignatureChallenge = "CoSignatureProofOfWorkChallenge";

    public static IEndpointRouteBuilder MapProofOfWorkChallenges(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/c/{slug}/altcha", GetAsync).WithName(SigningChallenge);
        endpoints.MapGet("/c/{slug}/sponsor/{sponsorToken}/altcha", GetAsync).WithName(SponsorSigningChallenge);
        endpoints.MapGet("/c/{slug}/comments/altcha", GetForCommentAsync).WithName(CommentChallenge);
        endpoints.MapGet("/c/{slug}/letter/altcha", GetForCoSignatureAsync).WithName(CoSignatureChallenge);
        return endpoints;
    }

    private static async Task<IResult> GetForCommentAsync(string slug, HttpContext context, Countersign.Data.CountersignDb db,
        Countersign.Campaigns.CampaignCache campaigns, ProofOfWork proofOfWork, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached?.Campaign.TakesComments != true || !proofOfWork.Enabled)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No campaign at this address takes comments.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(proofOfWork.CreateChallenge(cached.Campaign.Id, ProofOfWorkPurpose.Comment), "application/json");
    }

    private static async Task<IResult> GetForCoSignatureAsync(string slug, HttpContext context, Countersign.Data.CountersignDb db,
        Countersign.Campaigns.CampaignCache campaigns, ProofOfWork proofOfWork, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached?.Campaign.TakesCoSignatures != true || !proofOfWork.Enabled)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No campaign at this address has a letter open to signatures.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(proofOfWork.CreateChallenge(cached.Campaign.Id, ProofOfWorkPurpose.CoSignature), "application/json");
    }

    private static async Task<IResult> GetAsync(string slug, string? sponsorToken, HttpContext context, Countersign.Data.CountersignDb db,
        Countersign.Campaigns.CampaignCache campaigns, ProofOfWork proofOfWork, CancellationToken cancellationToken)
    {
        var cached = sponsorToken is null
            ? await campaigns.FindPublicAsync(db, slug, cancellationToken)
            : await campaigns.FindBySponsorLinkAsync(db, slug, sponsorToken, cancellationToken);
        if (cached?.Campaign.TakesSignatures(throughSponsorLink: sponsorToken is not null) != true || !proofOfWork.Enabled)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No campaign at this address takes signatures.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(proofOfWork.CreateChallenge(cached!.Campaign.Id, ProofOfWorkPurpose.Signing), "application/json");
    }
}
