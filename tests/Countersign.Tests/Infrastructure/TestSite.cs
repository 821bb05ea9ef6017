using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Privacy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// One running Countersign on its own fresh database (SQLite in a temporary folder, or a new
/// database on the test PostgreSQL server), with a clock the test controls.
/// </summary>
public sealed partial class TestSite : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    private readonly bool _ownsDataFolder;

    // Each site's file providers (wwwroot, settings files) would each hold an inotify instance, and
    // Linux allows 128 per user by default: with many sites alive at once, or a second test run on
    // the same machine, pages failed with "the configured user limit (128) ... has been reached".
    // Polling watchers use a timer instead; the tests never change files under a running site.
    static TestSite() => Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "true");

    private TestSite(DatabaseProvider provider, string dataFolder, Dictionary<string, string?> settings, bool ownsDataFolder = true)
    {
        Provider = provider;
        DataFolder = dataFolder;
        _settings = settings;
        _ownsDataFolder = ownsDataFolder;
        Staff = new TestStaff(this);
        Mailbox = new Mailbox(dataFolder);
    }

    /// <summary>
    /// A second server on this site's database, keys and data folder, with its own memory: what a
    /// restart or another node behind the same load balancer looks like.
    /// </summary>
    public TestSite StartAnotherServer()
    {
        var other = new TestSite(Provider, DataFolder, new Dictionary<string, string?>(_settings), ownsDataFolder: false);
        other.StartServer();
        return other;
    }

    public DatabaseProvider Provider { get; }
    public string DataFolder { get; }
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>Staff members signing in through the site's pages.</summary>
    public TestStaff Staff { get; }

    /// <summary>The emails the site wrote to its outbox folder.</summary>
    public Mailbox Mailbox { get; }

    /// <summary>Every line the app logged, formatted with its arguments, for checks that no personal data leaks.</summary>
    public CapturedLogs Logs { get; } = new();
    public const string PublicUrl = TestSettings.PublicUrl;

    /// <summary>Where a Kestrel-hosted site listens (browser tests); empty for in-memory test servers.</summary>
    public string Address { get; private set; } = "";

    public static async Task<TestSite> StartAsync(DatabaseProvider provider, Action<Dictionary<string, string?>>? configure = null, bool kestrel = false)
    {
        var dataFolder = Directory.CreateTempSubdirectory("countersign-test-").FullName;
        var settings = await TestSettings.ForAsync(provider, dataFolder);
        var port = 0;
        if (kestrel)
        {
            // A real browser follows the links in emails, so they must point at this very server.
            port = FreeLoopbackPort();
            settings["Site:PublicUrl"] = $"http://127.0.0.1:{port}";
        }

        configure?.Invoke(settings);
        var site = new TestSite(provider, dataFolder, settings);
        if (provider == DatabaseProvider.Postgres && settings.GetValueOrDefault("Test:SkipMigrate") is null)
        {
            // PostgreSQL is migrated explicitly, as an operator would with `countersign migrate`.
            await site.MigratePostgresAsync();
        }

        if (kestrel)
        {
            site.UseKestrel(kestrelOptions => kestrelOptions.Listen(System.Net.IPAddress.Loopback, port));
        }

        // Start the host now, so startup failures surface in the test that caused them.
        site.StartServer();
        if (kestrel)
        {
            site.Address = site.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
                .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        }

        // The scheduled jobs each run a pass at start; a test that adds data and then runs a pass of its own
        // would otherwise race that one, and find its work already done by it.
        var jobs = site.Services.GetServices<IHostedService>().OfType<PeriodicJob>();
        await Task.WhenAll(jobs.Select(job => job.FirstPassDone)).WaitAsync(TimeSpan.FromMinutes(1));

        return site;
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task MigratePostgresAsync()
    {
        var options = new DbContextOptionsBuilder<PostgresCountersignDb>().UseNpgsql(_settings["Database:ConnectionString"]).Options;
        await using var db = new PostgresCountersignDb(options);
        await db.Database.MigrateAsync();
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");

        // The site runs from the app's project folder, whose wwwroot holds the files but not the build's compressed
        // copies (they are in obj/); the build's manifest finds both, as a Development host does by itself.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(Logs));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            if (_settings.GetValueOrDefault(ThrowAtSetting) is { } path)
            {
                services.AddSingleton<IStartupFilter>(new ThrowAt(path));
            }
        });
    }

    /// <summary>A setting naming a path whose requests fail with an unhandled exception, for tests of what the error page sends.</summary>
    public const string ThrowAtSetting = "Test:ThrowAt";

    /// <summary>
    /// Throws at the very end of the app's pipeline, where no endpoint answered: the exception
    /// travels back through all of the app's middleware, as a bug in a page would.
    /// </summary>
    private sealed class ThrowAt(string path) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((context, nextMiddleware) => context.Request.Path == path
                ? throw new InvalidOperationException($"Thrown at {path} for a test.")
                : nextMiddleware(context));
        };
    }

    /// <summary>
    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them). It
    /// speaks https, as browsers talk to the site, so the Secure cookies come back.
    /// </summary>
    public HttpClient Browser() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("https://localhost") });

    /// <summary>A browser-like client whose requests come from <paramref name="address"/> (an in-memory request has none).</summary>
    public HttpClient Browser(IPAddress address) =>
        new(new CookieContainerHandler { InnerHandler = Server.CreateHandler(context => context.Connection.RemoteIpAddress = address) })
        {
            BaseAddress = new Uri("https://localhost"),
        };

    public async Task<T> QueryAsync<T>(Func<CountersignDb, Task<T>> query)
    {
        await using var scope = Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<CountersignDb>());
    }

    public async Task<Campaign> AddCampaignAsync(string slug = "stop-the-cameras", string state = CampaignState.Open, int goal = 1000, params string[] hosts)
    {
        var campaign = TestCampaigns.Make(Clock.GetUtcNow().UtcDateTime, slug, state, goal, hosts);
        await QueryAsync(async db =>
        {
            db.Campaigns.Add(campaign);
            return await db.SaveChangesAsync();
        });
        return campaign;
    }

    /// <summary>A comment on the campaign in <paramref name="state"/> (<see cref="TestComments.Make"/>); returns its id.</summary>
    public async Task<long> AddCommentAsync(int campaignId, string state)
    {
        var cipher = await Services.GetRequiredService<CampaignKeys>().ForCampaignAsync(campaignId);
        var comment = TestComments.Make(cipher, campaignId, state, Clock.GetUtcNow().UtcDateTime);
        await QueryAsync(db =>
        {
            db.Comments.Add(comment);
            return db.SaveChangesAsync();
        });
        return comment.Id;
    }

    /// <summary>Waits for background work (the email worker, the intake) to reach a state, failing after 20 s.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing && _ownsDataFolder)
        {
            try
            {
                Directory.Delete(DataFolder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open by a stopping worker; the temp folder is cleaned by the OS eventually.
            }
        }
    }

}

/// <summary>One PostgreSQL server for the whole test run; each test gets its own database on it.</summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> Server = new(() => PostgresServer.StartAsync());

    public static Task<PostgresServer> GetAsync() => Server.Value;
}
