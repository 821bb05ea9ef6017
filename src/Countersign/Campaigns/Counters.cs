using Countersign.Data;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Adds confirmed signatures to the campaigns' counters (total, by country, by day). Callers run
/// this in the transaction that confirms the signatures, so the counters always equal the rows.
/// </summary>
public static class Counters
{
    public static async Task AddAsync(CountersignDb db, IEnumerable<(int CampaignId, string CountryCode)> confirmed, DateOnly day)
    {
        var byCountry = confirmed.GroupBy(c => c).Select(g => (g.Key.CampaignId, g.Key.CountryCode, Count: g.Count())).ToList();
        foreach (var campaign in byCountry.GroupBy(c => c.CampaignId))
        {
            var campaignId = campaign.Key;
            var total = campaign.Sum(c => c.Count);
            await db.Campaigns.Where(c => c.Id == campaignId)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, x => x.SignatureCount + total));

            // The same upsert statements read correctly on SQLite and PostgreSQL.
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""
                INSERT INTO "DayCounts" ("CampaignId", "Day", "Count") VALUES ({campaignId}, {day}, {total})
                ON CONFLICT ("CampaignId", "Day") DO UPDATE SET "Count" = "DayCounts"."Count" + {total}
                """);
            foreach (var (_, countryCode, count) in campaign)
            {
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""
                    INSERT INTO "CountryCounts" ("CampaignId", "CountryCode", "Count") VALUES ({campaignId}, {countryCode}, {count})
                    ON CONFLICT ("CampaignId", "CountryCode") DO UPDATE SET "Count" = "CountryCounts"."Count" + {count}
                    """);
            }
        }
    }
}
