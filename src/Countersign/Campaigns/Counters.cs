using Countersign.Data;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Adds confirmed signatures to a campaign's counters (total, by country, by day). Callers run this
/// in the same transaction that confirms the signatures, so the counters always equal the rows.
/// </summary>
public static class Counters
{
    public static async Task AddAsync(CountersignDb db, int campaignId, string countryCode, DateOnly day, int count, CancellationToken cancellationToken)
    {
        await db.Campaigns.Where(c => c.Id == campaignId)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.SignatureCount, x => x.SignatureCount + count), cancellationToken);

        // The same upsert statement reads correctly on SQLite and PostgreSQL.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "CountryCounts" ("CampaignId", "CountryCode", "Count") VALUES ({campaignId}, {countryCode}, {count})
            ON CONFLICT ("CampaignId", "CountryCode") DO UPDATE SET "Count" = "CountryCounts"."Count" + {count}
            """, cancellationToken);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""
            INSERT INTO "DayCounts" ("CampaignId", "Day", "Count") VALUES ({campaignId}, {day}, {count})
            ON CONFLICT ("CampaignId", "Day") DO UPDATE SET "Count" = "DayCounts"."Count" + {count}
            """, cancellationToken);
    }
}
