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

    private static Task<IResult> GetForCommentAsync(string slug, HttpContext context, Countersign.Data.CountersignDb db,
        Countersign.Campaigns.CampaignCache campaigns, ProofOfWork proofOfWork, CancellationToken cancellationToken) =>
        GetForPublicFormAsync(slug, campaign => campaign.TakesComments, ProofOfWorkPurpose.Comment, "No campaign at this address takes comments.",
            context, db, campaigns, proofOfWork, cancellationToken);

    private static Task<IResult> GetForCoSignatureAsync(string slug, HttpContext context, Countersign.Data.CountersignDb db,
        Countersign.Campaigns.CampaignCache campaigns, ProofOfWork proofOfWork, CancellationToken cancellationToken) =>
        GetForPublicFormAsync(slug, campaign => campaign.TakesCoSignatures, ProofOfWorkPurpose.CoSignature, "No campaign at this address has a letter open to signatures.",
            context, db, campaigns, proofOfWork, cancellationToken);

    /// <summary>A challenge for a form of a public campaign's page, while the campaign <paramref name="takes"/> that form; a 404 otherwise.</summary>
    private static async Task<IResult> GetForPublicFormAsync(string slug, Func<Countersign.Campaigns.Campaign, bool> takes, ProofOfWorkPurpose purpose, string refusal,
        HttpContext context, Countersign.Data.CountersignDb db, Countersign.Campaigns.CampaignCache campaigns, ProofOfWork proofOfWork, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null || !takes(cached.Campaign) || !proofOfWork.Enabled)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: refusal);
        }

        context.Response.Headers.CacheControl = "no-store";
        return Results.Text(proofOfWork.CreateChallenge(cached.Campaign.Id, purpose), "application/json");
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
