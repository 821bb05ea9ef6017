using Countersign.Data;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Bench;

/// <summary>Opens the server's database and privacy keys from the same environment variables the server reads.</summary>
public static class BenchDatabase
{
    public static CountersignDb Open()
    {
        var provider = Environment.GetEnvironmentVariable("Database__Provider") ?? "Sqlite";
        if (provider.Equals(nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase))
        {
            var options = new DbContextOptionsBuilder<PostgresCountersignDb>().UseNpgsql(Require("Database__ConnectionString")).Options;
            return new PostgresCountersignDb(options);
        }

        var database = Path.Combine(Require("Data__Folder"), "countersign.db");
        if (!File.Exists(database))
        {
            throw new BenchException($"{database} does not exist");
        }

        var sqlite = new DbContextOptionsBuilder<SqliteCountersignDb>().UseSqlite($"Data Source={database};Default Timeout=30").Options;
        return new SqliteCountersignDb(sqlite);
    }

    public static PersonalDataProtector Protector() => new(Keys());

    /// <summary>The campaign's own cipher, its key unwrapped from the database the way the server does.</summary>
    public static async Task<CampaignCipher> CampaignCipherAsync(CountersignDb db, int campaignId)
    {
        var stored = await db.CampaignKeys.AsNoTracking().SingleOrDefaultAsync(k => k.CampaignId == campaignId)
            ?? throw new BenchException($"campaign {campaignId} has no data key: did any signature reach it?");
        return new CampaignCipher(campaignId, CampaignKeys.Unwrap(Keys(), campaignId, stored.WrappedKey), Protector());
    }

    private static PrivacyKeys Keys() =>
        new(Convert.FromBase64String(Require("Privacy__EncryptionKey")), Convert.FromBase64String(Require("Privacy__HashingKey")));

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : throw new BenchException($"{name} is not set");
}
