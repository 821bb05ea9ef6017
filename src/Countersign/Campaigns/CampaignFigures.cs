using Countersign.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace Countersign.Campaigns;

/// <summary>
/// A public campaign's signatures in figures, for its figures page: how many each UTC day from its opening to today (or
/// its closing), and how many from each country. Read from the counters (<see cref="Counters"/>), which hold only the
/// signatures that count, as the public count does: never a pending, held or set-aside one. Kept for
/// <see cref="Lifetime"/> for every reader; <see cref="CampaignCache.Forget"/> forgets them with the page.
/// </summary>
public sealed class CampaignFigures(CountersignDb db, IMemoryCache cache, TimeProvider clock)
{
    /// <summary>
    /// The fewest signers a country must have to be named with its count. Signers may be activists in danger, and a
    /// country with one or two of them points at a person; below this, their country is counted under "other countries"
    /// and left unshaded on the map.
    /// </summary>
    public const int FewestSignersShownByCountry = 10;

    public static readonly TimeSpan Lifetime = CampaignCache.Lifetime;

    /// <summary>The campaign's figures now; none for a campaign not public yet, whose count its supporters alone see.</summary>
    public async Task<Figures> ReadAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        if (!campaign.IsPublic)
        {
            return new Figures([], [], 0);
        }

        return (await cache.GetOrCreateAsync(Key(campaign.Slug), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            return MeasureAsync(campaign, cancellationToken);
        }))!;
    }

    /// <summary>The cache entry of a campaign's figures, which <see cref="CampaignCache.Forget"/> removes with the page's.</summary>
    internal static string Key(string slug) => "figures:" + slug;

    private async Task<Figures> MeasureAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        // One row per day and per country, however many signatures: the counters are already grouped.
        var counted = await db.DayCounts.AsNoTracking().Where(d => d.CampaignId == campaign.Id && d.Count > 0)
            .OrderBy(d => d.Day).Select(d => new { d.Day, d.Count }).ToListAsync(cancellationToken);
        var byCountry = await db.CountryCounts.AsNoTracking().Where(c => c.CampaignId == campaign.Id && c.Count > 0)
            .OrderByDescending(c => c.Count).ThenBy(c => c.CountryCode)
            .Select(c => new { c.CountryCode, c.Count }).ToListAsync(cancellationToken);

        // Every day from the opening, with the days nobody signed, to today or the closing; supporters' signatures
        // confirmed before the opening start it earlier.
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var opened = campaign.OpenedAt is { } openedAt ? DateOnly.FromDateTime(openedAt) : today;
        var ended = !campaign.AcceptsSignatures && campaign.ClosedAt is { } closedAt ? DateOnly.FromDateTime(closedAt) : today;
        var first = counted.Count > 0 && counted[0].Day < opened ? counted[0].Day : opened;
        var last = counted.Count > 0 && counted[^1].Day > ended ? counted[^1].Day : ended;
        var countOf = counted.ToDictionary(d => d.Day, d => d.Count);
        var days = new List<DayFigure>();
        var total = 0;
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var count = countOf.GetValueOrDefault(day);
            total += count;
            days.Add(new DayFigure(day, count, total));
        }

        var (shown, others) = ByCountry(byCountry.Select(c => new CountryFigure(c.CountryCode, c.Count)));
        return new Figures(days, shown, others);
    }

    /// <summary>
    /// Counts by country as they may be published, on this page and in the campaign's JSON twin: the countries with
    /// at least <see cref="FewestSignersShownByCountry"/> signers (most first), and the signers of all others together.
    /// </summary>
    public static (IReadOnlyList<CountryFigure> Shown, int Others) ByCountry(IEnumerable<CountryFigure> counts)
    {
        var all = counts.ToList();
        return (
            all.Where(c => c.Count >= FewestSignersShownByCountry).OrderByDescending(c => c.Count).ThenBy(c => c.Code, StringComparer.Ordinal).ToList(),
            all.Where(c => c.Count < FewestSignersShownByCountry).Sum(c => c.Count));
    }
}

/// <summary>A campaign's signatures that count, by day and by country.</summary>
/// <param name="Days">Every UTC day from the first to the last, the days without signatures included.</param>
/// <param name="Countries">The countries with at least <see cref="CampaignFigures.FewestSignersShownByCountry"/> signers, most first.</param>
/// <param name="OtherCountries">The signers of all the other countries together.</param>
public sealed record Figures(IReadOnlyList<DayFigure> Days, IReadOnlyList<CountryFigure> Countries, int OtherCountries)
{
    public int Total => Countries.Sum(c => c.Count) + OtherCountries;

    /// <summary>The share of all signatures, between 0 and 1.</summary>
    public double ShareOf(int count) => Total == 0 ? 0 : (double)count / Total;
}

/// <param name="Cumulative">The signatures up to the end of this day.</param>
public sealed record DayFigure(DateOnly Day, int Count, int Cumulative);

public sealed record CountryFigure(string Code, int Count);
