using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Countersign.Data;

/// <summary>
/// Sets SQLite's pragmas on every connection: WAL lets pages read while a signature is written,
/// the busy timeout makes writers wait their turn instead of failing, and foreign keys are on.
/// secure_delete overwrites what a change removes, so an erased name or a destroyed campaign key
/// does not linger in the file's free space.
/// </summary>
public sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    private readonly string _pragmas =
        $"PRAGMA journal_mode=WAL; PRAGMA synchronous={synchronous.ToUpperInvariant()}; PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000; PRAGMA secure_delete=ON;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
