using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Data;

public static class DatabaseSetup
{
    /// <summary>
    /// Registers <see cref="CountersignDb"/> for the configured provider. Configuration is read when the
    /// context is first needed, not here, so tests and the CLI can set it after the builder is made.
    /// </summary>
    public static IServiceCollection AddCountersignDatabase(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<DataFolder>();
        // The options are built once (singleton), not for every request's context.
        services.AddDbContext<SqliteCountersignDb>((provider, options) =>
            ConfigureSqlite(options, provider.GetRequiredService<IOptions<DatabaseOptions>>().Value, provider.GetRequiredService<DataFolder>()),
            optionsLifetime: ServiceLifetime.Singleton);
        services.AddDbContext<PostgresCountersignDb>((provider, options) =>
            ConfigurePostgres(options, provider.GetRequiredService<IOptions<DatabaseOptions>>().Value),
            optionsLifetime: ServiceLifetime.Singleton);
        services.AddScoped<CountersignDb>(provider =>
            provider.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Postgres
                ? provider.GetRequiredService<PostgresCountersignDb>()
                : provider.GetRequiredService<SqliteCountersignDb>());
        services.AddHostedService<DatabaseStartup>();
        return services;
    }

    public static string SqliteConnectionString(DatabaseOptions options, DataFolder folder) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? $"Data Source={folder.Combine(DataFolder.SqliteFileName)}"
            : options.ConnectionString;

    internal static void ConfigureSqlite(DbContextOptionsBuilder options, DatabaseOptions database, DataFolder folder)
    {
        if (string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            DataFolder.CreateOwnerOnlyFile(folder.Combine(DataFolder.SqliteFileName));
        }

        options.UseSqlite(SqliteConnectionString(database, folder))
            .AddInterceptors(new SqlitePragmas(database.SqliteSynchronous));
    }

    internal static void ConfigurePostgres(DbContextOptionsBuilder options, DatabaseOptions database)
    {
        if (string.IsNullOrWhiteSpace(database.ConnectionString))
        {
            throw new InvalidOperationException("Database:Provider is Postgres but Database:ConnectionString is empty.");
        }

        options.UseNpgsql(database.ConnectionString);
    }
}
