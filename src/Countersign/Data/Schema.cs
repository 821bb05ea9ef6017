using Microsoft.EntityFrameworkCore;

namespace Countersign.Data;

/// <summary>
/// Where the database's schema stands against this build's migrations, for the start of the site, <c>migrate</c>
/// and the other commands alike. A database whose history names migrations this build does not know was made by
/// another line of development (before the first release the migrations were squashed into one per provider):
/// nothing is applied to it, rather than creating tables over tables that exist.
/// </summary>
public static class Schema
{
    /// <summary>The migrations this database still needs; throws <see cref="UnknownSchemaHistoryException"/> for a foreign history.</summary>
    public static async Task<IReadOnlyList<string>> PendingAsync(CountersignDb db, CancellationToken cancellationToken)
    {
        var known = db.Database.GetMigrations().ToHashSet(StringComparer.Ordinal);
        var applied = await db.Database.GetAppliedMigrationsAsync(cancellationToken);
        if (applied.FirstOrDefault(id => !known.Contains(id)) is { } unknown)
        {
            throw new UnknownSchemaHistoryException(unknown);
        }

        return (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
    }

    /// <summary>Applies what is pending (after the history check) and returns it.</summary>
    public static async Task<IReadOnlyList<string>> MigrateAsync(CountersignDb db, CancellationToken cancellationToken)
    {
        var pending = await PendingAsync(db, cancellationToken);
        if (pending.Count > 0)
        {
            await db.Database.MigrateAsync(cancellationToken);
        }

        return pending;
    }
}

public sealed class SchemaBehindException(int pendingMigrations) : Exception(
    $"The PostgreSQL schema is behind this version of Countersign ({pendingMigrations} migration(s) pending). " +
    "Back up the database, then run `countersign migrate` with the same configuration, and start again.");

public sealed class UnknownSchemaHistoryException(string migration) : Exception(
    $"The database was made by a development build of Countersign (it has migration {migration}, which this version does not know). " +
    "Development builds before the first release cannot be upgraded: start from a new database (for the embedded SQLite, move countersign.db out of the data folder; for PostgreSQL, create an empty database).");
