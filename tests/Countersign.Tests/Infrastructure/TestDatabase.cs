using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// The app's own services on a fresh, migrated database (SQLite in a temporary folder, or a new
/// database on the test PostgreSQL server), with a clock the test controls, and no web host: the
/// app is built but never started, so no request, page or scheduled job runs. For the rules that
/// live in the feature services (lifecycle, comments, updates), which need no HTTP to be tested.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestDatabase(DatabaseProvider provider, string dataFolder, WebApplication app, FakeTimeProvider clock)
    {
        Provider = provider;
        DataFolder = dataFolder;
        _app = app;
        Clock = clock;
    }

    public DatabaseProvider Provider { get; }
    public string DataFolder { get; }
    public FakeTimeProvider Clock { get; }
    public IServiceProvider Services => _app.Services;

    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, Action<Dictionary<string, string?>>? configure = null)
    {
        var dataFolder = Directory.CreateTempSubdirectory("countersign-test-").FullName;
        var settings = await TestSettings.ForAsync(provider, dataFolder);
        configure?.Invoke(settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCountersign();
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        builder.Services.AddSingleton<TimeProvider>(clock);
        var app = builder.Build();
        var database = new TestDatabase(provider, dataFolder, app, clock);
        await database.WithDbAsync(db => db.Database.MigrateAsync());
        return database;
    }

    /// <summary>A service of the app; scoped ones (the database context) come from <see cref="Scope"/>.</summary>
    public T Get<T>() where T : notnull => _app.Services.GetRequiredService<T>();

    /// <summary>A scope of its own, as one request or one job pass has.</summary>
    public AsyncServiceScope Scope() => _app.Services.CreateAsyncScope();

    /// <summary>Runs <paramref name="work"/> on a context of its own, as a separate request would.</summary>
    public async Task<T> WithDbAsync<T>(Func<CountersignDb, Task<T>> work)
    {
        await using var scope = Scope();
        return await work(scope.ServiceProvider.GetRequiredService<CountersignDb>());
    }

    public async Task WithDbAsync(Func<CountersignDb, Task> work)
    {
        await using var scope = Scope();
        await work(scope.ServiceProvider.GetRequiredService<CountersignDb>());
    }

    /// <summary>Runs <paramref name="work"/> with a scoped service of a scope of its own, as one request would.</summary>
    public async Task<T> WithAsync<TService, T>(Func<TService, Task<T>> work) where TService : notnull
    {
        await using var scope = Scope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Stores the test campaign (<see cref="TestCampaigns.Make"/>) in <paramref name="state"/>.</summary>
    public async Task<Campaign> AddCampaignAsync(string slug = "stop-the-cameras", string state = CampaignState.Open, int goal = 1000, params string[] hosts)
    {
        var campaign = TestCampaigns.Make(Clock.GetUtcNow().UtcDateTime, slug, state, goal, hosts);
        await WithDbAsync(db =>
        {
            db.Campaigns.Add(campaign);
            return db.SaveChangesAsync();
        });
        return campaign;
    }

    /// <summary>Stores a staff account with no role, and returns the signed-in user the pages would pass on for it.</summary>
    public async Task<ClaimsPrincipal> AddStaffAsync(string email)
    {
        var user = new StaffUser
        {
            UserName = email, NormalizedUserName = email.ToUpperInvariant(), Email = email, NormalizedEmail = email.ToUpperInvariant(),
            SecurityStamp = StaffUser.NewSecurityStamp(), CreatedAt = Clock.GetUtcNow().UtcDateTime,
        };
        await WithDbAsync(db =>
        {
            db.StaffUsers.Add(user);
            return db.SaveChangesAsync();
        });
        return new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture))], "Test"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataFolder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the OS eventually.
        }
    }
}
