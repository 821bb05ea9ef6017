using System.ComponentModel.DataAnnotations;

namespace Countersign.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Where Countersign keeps its data: <c>Database:*</c> and <c>Data:Folder</c> in configuration.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Required for PostgreSQL; for SQLite, defaults to countersign.db in the data folder.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>SQLite's synchronous pragma: NORMAL (default, safe against crashes in WAL) or FULL (also against power loss).</summary>
    [RegularExpression("^(?i)(NORMAL|FULL|EXTRA|OFF)$", ErrorMessage = "Database:SqliteSynchronous must be NORMAL, FULL, EXTRA or OFF.")]
    public string SqliteSynchronous { get; set; } = "NORMAL";
}
