using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Countersign.Data;

/// <summary>
/// Sets SQLite's pragmas on every connection: WAL lets pages read while a signature is written,
/// the busy timeout makes writers wait their turn instead of failing, and foreign keys are on.
/// secure_delete overwrites what a change removes, so an erased name or a destroyed campaign key
/// does not linger in the file's free space.
/// </summary>
/// <remarks>
/// A read-only connection (EF opens one to ask whether the database exists) leaves the journal
/// mode alone: switching a new, empty database to WAL is a write, which it may not do.
/// </remarks>
public sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    private readonly string _readingPragmas =
        $"PRAGMA synchronous={synchronous.ToUpperInvariant()}; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA secure_delete=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = PragmasFor(connection);
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = PragmasFor(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private string PragmasFor(DbConnection connection) =>
        new SqliteConnectionStringBuilder(connection.ConnectionString).Mode == SqliteOpenMode.ReadOnly ? _readingPragmas : "PRAGMA journal_mode=WAL; " + _readingPragmas;
}
