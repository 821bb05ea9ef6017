using Countersign.Data;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Adds confirmed signatures to the campaigns' counters (total, by country, by day). Callers run
/// this in the transaction that confirms the signatures, so the counters always equal the rows.
/// </summary>
public static class Counters
{
    /// <summary>Counts freshly confirmed signatures, all confirmed on <paramref name="day"/>.</summary>
    public static async Task AddAsync(CountersignDb db, IEnumerable<(int CampaignId, string CountryCode)> confirmed, DateOnly day)
    {
        foreach (var campaign in confirmed.GroupBy(c => c.CampaignId))
        {
            var byCountry = campaign.GroupBy(c => c.CountryCode).ToDictionary(g => g.Key, g => g.Count());
            await AddAsync(db, campaign.Key, byCountry, new Dictionary<DateOnly, int> { [day] = byCountry.Values.Sum() });
        }
    }

    /// <summary>
    /// Adds (<paramref name="by"/> = 1) or takes off (-1) signatures that start or stop counting,
    /// each with its campaign, country and day of confirmation: a moderator's release or
    /// invalidation, an erasure.
    /// </summary>
    public static async Task ChangeAsync(CountersignDb db, IEnumerable<(int CampaignId, string CountryCode, DateOnly Day)> signatures, int by)
    {
        foreach (var campaign in signatures.GroupBy(s => s.CampaignId))
        {
            await AddAsync(db, campaign.Key,
                campaign.GroupBy(s => s.CountryCode).ToDictionary(g => g.Key, g => by * g.Count()),
                campaign.GroupBy(s => s.Day).ToDictionary(g => g.Key, g => by * g.Count()));
        }
    }

    /// <summary>Adds already aggregated counts to one campaign; both maps must add up to the same total.</summary>
    public static async Task AddAsync(CountersignDb db, int campaignId, IReadOnlyDictionary<string, int> byCountry, IReadOnlyDictionary<DateOnly, int> byDay)
    {
        var total = byCountry.Values.Sum();
        await db.Campaigns.Where(c => c.Id == campaignId)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, x => x.SignatureCount + total));

        // The same upsert statements read correctly on SQLite and PostgreSQL.
        foreach (var (day, count) in byDay)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "DayCounts" ("CampaignId", "Day", "Count") VALUES ({campaignId}, {day}, {count})
                ON CONFLICT ("CampaignId", "Day") DO UPDATE SET "Count" = "DayCounts"."Count" + {count}
                """);
        }

        foreach (var (countryCode, count) in byCountry)
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "CountryCounts" ("CampaignId", "CountryCode", "Count") VALUES ({campaignId}, {countryCode}, {count})
                ON CONFLICT ("CampaignId", "CountryCode") DO UPDATE SET "Count" = "CountryCounts"."Count" + {count}
                """);
        }
    }
}
