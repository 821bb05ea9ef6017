using Countersign.Comments;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Countersign.Campaigns;

/// <summary>
/// Public campaigns by slug, with their rendered text, published updates and visible comments, kept in memory for a few seconds: a viral
/// campaign is read on every signature, and its definition (unlike its counters) rarely changes.
/// Staff edits, published updates and comments forget the entry at once; other servers see a change within <see cref="Lifetime"/>.
/// </summary>
public sealed class CampaignCache(IMemoryCache cache, MarkdownRenderer markdown, CampaignKeys campaignKeys)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The public campaign at /c/{slug} (shared: never modify it), or null. Its
    /// <see cref="Campaign.SignatureCount"/> may be seconds old: use <see cref="WithCurrentCountAsync"/> to show it.
    /// </summary>
    public async Task<CachedCampaign?> FindPublicAsync(CountersignDb db, string slug, CancellationToken cancellationToken)
    {
        var cached = await FindAsync(db, slug, cancellationToken);
        return cached is not null && cached.Campaign.IsPublic ? cached : null;
    }

    /// <summary>
    /// The public campaign at /c/{slug} with <see cref="Campaign.SignatureCount"/> as committed now, for the pages and
    /// answers that show its count; or null.
    /// </summary>
    public async Task<CachedCampaign?> FindPublicWithCurrentCountAsync(CountersignDb db, string slug, CancellationToken cancellationToken) =>
        await FindPublicAsync(db, slug, cancellationToken) is { } cached
            ? cached with { Campaign = await WithCurrentCountAsync(db, cached.Campaign, cancellationToken) }
            : null;

    /// <summary>
    /// The campaign at /c/{slug} for someone holding its sponsor link, whatever its state (the caller decides what
    /// the state allows), or null when the token is not the campaign's.
    /// </summary>
    public async Task<CachedCampaign?> FindBySponsorLinkAsync(CountersignDb db, string slug, string token, CancellationToken cancellationToken)
    {
        var cached = await FindAsync(db, slug, cancellationToken);
        return cached is not null && cached.Campaign.HasSponsorToken(token) ? cached : null;
    }

    /// <summary>
    /// The campaign for the pages around signing (check your email, thank you): a public one, or through its sponsor
    /// link one that gathers supporting signatures or has just gathered them and waits for review.
    /// </summary>
    public async Task<CachedCampaign?> FindForSignerAsync(CountersignDb db, string slug, string? sponsorToken, CancellationToken cancellationToken)
    {
        if (sponsorToken is null)
        {
            return await FindPublicAsync(db, slug, cancellationToken);
        }

        var cached = await FindBySponsorLinkAsync(db, slug, sponsorToken, cancellationToken);
        return cached?.Campaign is { IsPublic: true } or { State: CampaignState.Sponsoring or CampaignState.InReview } ? cached : null;
    }

    private async Task<CachedCampaign?> FindAsync(CountersignDb db, string slug, CancellationToken cancellationToken)
    {
        if (!cache.TryGetValue(Key(slug), out CachedCampaign? cached))
        {
            var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Hosts.Where(h => h.LeftAt == null).OrderBy(h => h.Position)).Include(c => c.Image)
                .FirstOrDefaultAsync(c => c.Slug == slug, cancellationToken);
            if (campaign is null)
            {
                // Misses are not kept, so requests for made-up addresses cannot fill the memory.
                return null;
            }

            var events = await db.CampaignEvents.AsNoTracking().Where(e => e.CampaignId == campaign.Id).ToListAsync(cancellationToken);
            var updates = await db.CampaignUpdates.AsNoTracking()
                .Where(u => u.CampaignId == campaign.Id && u.State == UpdateState.Published)
                .OrderByDescending(u => u.PublishedAt).ThenByDescending(u => u.Id)
                .ToListAsync(cancellationToken);
            cached = new CachedCampaign(
                campaign,
                markdown.ToHtml(campaign.BodyMarkdown, "campaign", campaign.Id),
                Timeline.Of(campaign, events),
                updates.Select(u => new PublishedUpdate(u.Id, u.Title, u.HostName, DateTime.SpecifyKind(u.PublishedAt!.Value, DateTimeKind.Utc), u.BodyMarkdown, markdown.ToHtml(u.BodyMarkdown, "update", u.Id))).ToList(),
                await VisibleCommentsAsync(db, campaign, cancellationToken));
            cache.Set(Key(slug), cached, Lifetime);
        }

        return cached;
    }

    /// <summary>The first page of the campaign's published comments, decrypted once for every reader of the page; none while comments are off.</summary>
    private async Task<CommentPage> VisibleCommentsAsync(CountersignDb db, Campaign campaign, CancellationToken cancellationToken) =>
        campaign.ShowsComments
            ? await PublishedComments.PageAsync(db, campaignKeys, campaign.Id, page: 1, cancellationToken)
            : new CommentPage(1, [], HasOlder: false);

    /// <summary>A copy of the campaign with the count as committed now, for pages that show it.</summary>
    public static async Task<Campaign> WithCurrentCountAsync(CountersignDb db, Campaign campaign, CancellationToken cancellationToken)
    {
        var count = await db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).FirstAsync(cancellationToken);
        return campaign.WithSignatureCount(count);
    }

    /// <summary>Forgets the campaign's page, with its latest signers (<see cref="CampaignPulse"/>) and figures (<see cref="CampaignFigures"/>): an erased or set-aside name goes with it.</summary>
    public void Forget(string slug)
    {
        cache.Remove(Key(slug));
        cache.Remove(CampaignPulse.Key(slug));
        cache.Remove(CampaignFigures.Key(slug));
    }

    private static string Key(string slug) => "campaign:" + slug;
}

/// <param name="Updates">Its published updates, newest first, with their text rendered.</param>
/// <param name="LatestComments">The first page of its published comments, newest first (none while comments are off).</param>
public sealed record CachedCampaign(Campaign Campaign, string BodyHtml, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<PublishedUpdate> Updates,
    CommentPage LatestComments)
{
    public IReadOnlyList<VisibleComment> Comments => LatestComments.Comments;
}

/// <summary>A published comment as the public pages show it: a name, a date and plain text, never an email.</summary>
public sealed record VisibleComment(long Id, string Name, string Text, DateTime PublishedAt);

/// <summary>A published update as the public pages show it.</summary>
public sealed record PublishedUpdate(int Id, string Title, string HostName, DateTime PublishedAt, string BodyMarkdown, string BodyHtml);
