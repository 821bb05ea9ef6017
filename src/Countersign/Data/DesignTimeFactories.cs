using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Countersign.Data;

// Used only by `dotnet ef migrations add`, which needs a context without starting the app.
// The connection strings are placeholders: generating a migration does not connect.

public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCountersignDb>
{
    public SqliteCountersignDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCountersignDb>().UseSqlite("Data Source=design-time.db").Options);
}

public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCountersignDb>
{
    public PostgresCountersignDb CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCountersignDb>().UseNpgsql("Host=localhost;Database=countersign_design").Options);
}
