using System.Globalization;
using Countersign.Data;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// The campaigns everyone may see (<see cref="Campaign.IsPublic"/>), as the home page, its JSON twin and the sitemap
/// list them: open ones first, then victories, then the others that ended, so a won campaign stays in view.
/// </summary>
public sealed class PublicCampaigns(CountersignDb db)
{
    /// <summary>The longest search accepted: titles are 200 characters, and nobody types more to find one.</summary>
    public const int QueryMaxLength = 100;

    /// <summary>
    /// The public campaigns in their sections, those matching <paramref name="query"/> only when there is one: each
    /// of its words must be in the title, a target or a host's name, whatever its case and accents ("ecole" finds
    /// "École"). The search runs here rather than in SQL: a site holds hundreds of campaigns, not millions, SQLite has
    /// no accent folding, and PostgreSQL's (unaccent) is an extension the operator may not be allowed to install; so
    /// both databases answer alike, and the words never reach a query.
    /// </summary>
    public async Task<CampaignListing> ListAsync(string? query, CancellationToken cancellationToken)
    {
        var words = (query ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var campaigns = (await db.Campaigns.AsNoTracking().Include(c => c.Hosts.Where(h => h.LeftAt == null).OrderBy(h => h.Position)).Include(c => c.Image)
                .Where(Campaign.Public).ToListAsync(cancellationToken))
            .Where(c => words.All(word => Mentions(c, word)))
            .ToList();

        return new CampaignListing(
            query?.Trim() ?? "",
            Open: campaigns.Where(c => c.AcceptsSignatures).OrderByDescending(c => c.SignatureCount).ThenBy(c => c.Title, StringComparer.CurrentCulture).ToList(),
            Victories: campaigns.Where(c => !c.AcceptsSignatures && c.Outcome == CampaignOutcome.Won)
                .OrderByDescending(c => c.OutcomeOn).ThenByDescending(Ended).ToList(),
            Ended: campaigns.Where(c => !c.AcceptsSignatures && c.Outcome != CampaignOutcome.Won).OrderByDescending(Ended).ToList());
    }

    /// <summary>A search longer than <see cref="QueryMaxLength"/> is refused, not cut: cut, it would find something else.</summary>
    public static bool IsTooLong(string? query) => query is { Length: > QueryMaxLength };

    private static readonly CompareInfo Comparer = CultureInfo.InvariantCulture.CompareInfo;

    /// <summary>Ignoring case, accents and the width of characters (full-width Latin in East Asian text).</summary>
    private const CompareOptions Loosely = CompareOptions.IgnoreCase | CompareOptions.IgnoreNonSpace | CompareOptions.IgnoreWidth | CompareOptions.IgnoreKanaType;

    private static bool Mentions(Campaign campaign, string word) =>
        Comparer.IndexOf(campaign.Title, word, Loosely) >= 0
        || campaign.Targets.Any(target => Comparer.IndexOf(target, word, Loosely) >= 0)
        || campaign.Hosts.Any(host => Comparer.IndexOf(host.Name, word, Loosely) >= 0);

    /// <summary>When the campaign stopped taking signatures, as far as its page goes: delivered, or closed (or withdrawn).</summary>
    private static DateTime? Ended(Campaign campaign) => campaign.DeliveredAt ?? campaign.ClosedAt;
}

/// <summary>
/// The public campaigns in the home page's sections: open ones (most signed first), victories (latest first), and
/// the others that ended (latest first). <paramref name="Query"/> is the search they match, or empty.
/// </summary>
public sealed record CampaignListing(string Query, IReadOnlyList<Campaign> Open, IReadOnlyList<Campaign> Victories, IReadOnlyList<Campaign> Ended)
{
    public bool IsEmpty => Open.Count == 0 && Victories.Count == 0 && Ended.Count == 0;

    public int Count => Open.Count + Victories.Count + Ended.Count;
}
