using System.Security.Cryptography;
using Countersign.Data;

namespace Countersign.Tests.Infrastructure;

/// <summary>The configuration every test installation starts from: its own data folder, keys and (on PostgreSQL) database.</summary>
public static class TestSettings
{
    public const string PublicUrl = "https://countersign.test";

    public static async Task<Dictionary<string, string?>> ForAsync(DatabaseProvider provider, string dataFolder)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = provider.ToString(),
            ["Data:Folder"] = dataFolder,
            ["Site:PublicUrl"] = PublicUrl,
            ["Privacy:EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
            ["Privacy:HashingKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),

            // The test clock stands still, so no form would ever be old enough; the bot check tests set their own.
            ["Signing:MinimumSecondsToFill"] = "0",

            // Real challenges, solved by the test client, just easy ones (the default is 100,000).
            ["ProofOfWork:MaxNumber"] = "50",

            // In-memory requests have no address, so they would all count as one flooding client.
            ["RateLimits:FloodRequests"] = "1000000",

            // The retention job's timer would fire whenever a test moves the clock by days; tests
            // that want a pass run one themselves (RetentionJob.RunOnceAsync), when they choose.
            ["Retention:CheckEveryMinutes"] = "0",
        };
        if (provider == DatabaseProvider.Postgres)
        {
            var server = await SharedPostgres.GetAsync();
            settings["Database:ConnectionString"] = await server.CreateDatabaseAsync($"t{Guid.NewGuid():N}");
        }

        return settings;
    }
}
