using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

public static class PublicCampaigns
{
    /// <summary>The campaign at /c/{slug}, with its hosts in order, or null when there is none or it is not public yet.</summary>
    public static async Task<Campaign?> FindPublicAsync(this IQueryable<Campaign> campaigns, string slug, CancellationToken cancellationToken)
    {
        var campaign = await campaigns.AsNoTracking().Include(c => c.Hosts.OrderBy(h => h.Position))
            .FirstOrDefaultAsync(c => c.Slug == slug, cancellationToken);
        return campaign is { IsPublic: true } ? campaign : null;
    }
}
