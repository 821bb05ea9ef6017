using Countersign.Campaigns;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Data;

/// <summary>
/// Gets the database ready before the site takes requests: the embedded SQLite database is migrated
/// in place; a PostgreSQL schema that is behind stops the start, because migrating a shared
/// production database is an operator's decision (<c>countersign migrate</c>).
/// </summary>
public sealed partial class DatabaseStartup(IServiceProvider services, IOptions<DatabaseOptions> options, IConfiguration configuration, ILogger<DatabaseStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (services.GetRequiredService<DataFolder>().NotOwnerOnly is { Count: > 0 } exposed)
        {
            LogNotOwnerOnly(logger, exposed.Count, exposed[0]);
        }

        // Load the privacy keys now: a bad key should stop the start, not fail the first signature.
        services.GetRequiredService<PrivacyKeys>();

        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        if (options.Value.Provider == DatabaseProvider.Sqlite)
        {
            await Schema.MigrateAsync(db, cancellationToken);
        }
        else if ((await Schema.PendingAsync(db, cancellationToken)).Count is > 0 and var pending)
        {
            throw new SchemaBehindException(pending);
        }

        if (configuration.GetValue<bool>("Demo:Load"))
        {
            await scope.ServiceProvider.GetRequiredService<DemoData>().EnsureLoadedAsync(cancellationToken);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} file(s) or folder(s) of the data folder could not be made readable by this account alone (first: {Path}); other accounts on this machine may read personal data: change their owner or mode")]
    private static partial void LogNotOwnerOnly(ILogger logger, int count, string path);
}
