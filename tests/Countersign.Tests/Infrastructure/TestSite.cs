using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
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
using MimeKit;
using OtpNet;

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

    /// <summary>A confirmed comment on the campaign, stored as the comment form would store it; returns its id.</summary>
    public async Task<long> AddCommentAsync(int campaignId, string state)
    {
        var cipher = await Services.GetRequiredService<CampaignKeys>().ForCampaignAsync(campaignId);
        var now = Clock.GetUtcNow().UtcDateTime;
        var comment = new Countersign.Comments.Comment
        {
            CampaignId = campaignId,
            NameCiphertext = cipher.Encrypt("Leïla"),
            EmailCiphertext = cipher.Encrypt("leila@example.org"),
            EmailKey = RandomNumberGenerator.GetBytes(32),
            TextCiphertext = cipher.Encrypt("Divest now."),
            Locale = "en",
            State = state,
            CreatedAt = now,
            ConfirmedAt = now,
            PublishedAt = state == Countersign.Comments.CommentState.Published ? now : null,
        };
        await QueryAsync(db =>
        {
            db.Comments.Add(comment);
            return db.SaveChangesAsync();
        });
        return comment.Id;
    }

    /// <summary>The password of every staff account the tests make with <see cref="AddStaffAsync"/>.</summary>
    public const string StaffPassword = "a long staff password";

    /// <summary>
    /// A browser-like client signed in as a staff member, through the real pages: the password,
    /// then (the first time) setting up the authenticator with the key the page shows, or a code.
    /// The account is made with <paramref name="roles"/> (<see cref="StaffRoles"/>) if it does not exist yet.
    /// </summary>
    public async Task<HttpClient> SignedInStaffAsync(string email, params string[] roles)
    {
        var client = Browser();
        await SignInStaffAsync(client, email, roles);
        return client;
    }

    /// <summary>Signs <paramref name="client"/> in as a staff member (see <see cref="SignedInStaffAsync"/>).</summary>
    public async Task SignInStaffAsync(HttpClient client, string email, params string[] roles)
    {
        await AddStaffAsync(email, roles);
        var login = await PostFormAsync(client, "/staff/login", [new("Email", email), new("Password", StaffPassword)]);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var next = login.Headers.Location!.OriginalString;
        if (next.StartsWith("/staff/login/enrol", StringComparison.Ordinal))
        {
            var (recoveryCodes, enrolled) = await EnrolAsync(client, next, email);
            Assert.True(recoveryCodes.Count == StaffAuthenticator.RecoveryCodeCount, $"Enrolment answered {(int)enrolled.StatusCode} without recovery codes.");
            return;
        }

        Assert.StartsWith("/staff/login/code", next, StringComparison.Ordinal);
        var signedIn = await PostFormAsync(client, next, [new("Code", await StaffCodeAsync(email))]);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    /// <summary>
    /// Sets up the authenticator on an enrolment page as a person would: reads the key the page
    /// shows and answers with the app's code. Returns the recovery codes shown and the response.
    /// </summary>
    public async Task<(IReadOnlyList<string> RecoveryCodes, HttpResponseMessage Response)> EnrolAsync(HttpClient client, string enrolmentPath, string email)
    {
        var page = await client.GetAsync(enrolmentPath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var key = AuthenticatorKey(html);
        _staffKeys[email.ToLowerInvariant()] = key;
        var response = await client.PostAsync(enrolmentPath, new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", AntiforgeryToken(html)),
            new("SealedKey", SealedKey(html)),
            new("Code", await StaffCodeAsync(email)),
        ]));
        var codes = RecoveryCode().Matches(await response.Content.ReadAsStringAsync()).Select(match => match.Groups["code"].Value).ToList();
        return (codes, response);
    }

    /// <summary>The authenticator key an enrolment page shows (spaces and all), as bytes.</summary>
    public static byte[] AuthenticatorKey(string html)
    {
        var match = AuthenticatorKeyField().Match(html);
        Assert.True(match.Success, "The page shows no authenticator key.");
        return Base32Encoding.ToBytes(match.Groups["key"].Value.Replace(" ", "", StringComparison.Ordinal));
    }

    /// <summary>The new key an enrolment form carries, sealed, until a code confirms it.</summary>
    public static string SealedKey(string html) => WebUtility.HtmlDecode(SealedKeyField().Match(html).Groups["key"].Value);

    /// <summary>Adds a staff account with <see cref="StaffPassword"/>, unless one exists for the address.</summary>
    public async Task AddStaffAsync(string email, params string[] roles)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StaffUser>>();
        if (await users.FindByEmailAsync(email) is null)
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<StaffAccounts>().AddAsync(email, StaffPassword, roles, default));
        }
    }

    /// <summary>
    /// A code of the staff member's authenticator app that the site will accept now: each code
    /// works once, so when the codes of this moment (one step either side) are spent, the clock
    /// moves on 30 seconds, as a person would wait for the next code.
    /// </summary>
    /// <param name="key">The app's key, for an authenticator being set up (otherwise the enrolled one).</param>
    public async Task<string> StaffCodeAsync(string email, byte[]? key = null)
    {
        var address = email.ToLowerInvariant();
        var (lastStep, encryptedKey) = await QueryAsync(async db =>
        {
            var user = await db.StaffUsers.SingleAsync(u => u.Email == address);
            return (user.LastTotpStep, user.AuthenticatorKey);
        });
        if (key is null && !_staffKeys.TryGetValue(address, out key))
        {
            key = Services.GetRequiredService<PersonalDataProtector>().Decrypt(encryptedKey ?? throw new InvalidOperationException($"{email} has no authenticator."));
        }

        var current = Clock.GetUtcNow().ToUnixTimeSeconds() / 30;
        var step = Math.Max(lastStep + 1, current - 1);
        if (step > current + 1)
        {
            Clock.Advance(TimeSpan.FromSeconds(30 * (step - current - 1)));
        }

        return TotpAt(key, step);
    }

    /// <summary>The code an authenticator app with <paramref name="key"/> shows during time step <paramref name="step"/>.</summary>
    public static string TotpAt(byte[] key, long step) => new Totp(key).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * 30).UtcDateTime);

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _staffKeys = new(StringComparer.Ordinal);

    /// <summary>Emails the outbox worker has written to the outbox folder, waiting until there are at least <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<MimeMessage>> OutboxEmailsAsync(int count, TimeSpan? timeout = null)
    {
        var folder = Path.Combine(DataFolder, "outbox");
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).ToList() : [];
            if (files.Count >= count)
            {
                var messages = new List<MimeMessage>();
                foreach (var file in files)
                {
                    messages.Add(await MimeMessage.LoadAsync(file));
                }

                return messages;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} email(s) in the outbox folder, found {files.Count}.");
            }

            await Task.Delay(50);
        }
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

    /// <summary>The path of the confirmation link in an email, e.g. /confirm/abc...</summary>
    public static string ConfirmationPath(MimeMessage message)
    {
        var match = ConfirmationLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, $"No confirmation link in the email '{message.Subject}'.");
        return match.Groups["path"].Value;
    }

    /// <summary>The path of the confirmation link in a comment's email, e.g. /comments/confirm/abc...</summary>
    public static string CommentConfirmationPath(MimeMessage message)
    {
        var match = CommentConfirmationLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, $"No comment confirmation link in the email '{message.Subject}'.");
        return match.Groups["path"].Value;
    }

    /// <summary>The path of the erase link every email to a signer ends with, e.g. /erase/abc...</summary>
    public static string ErasePath(MimeMessage message)
    {
        var match = EraseLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, $"No erase link in the email '{message.Subject}'.");
        return match.Groups["path"].Value;
    }

    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return AntiforgeryToken(await response.Content.ReadAsStringAsync());
    }

    public static string AntiforgeryToken(string html)
    {
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    /// <summary>The signing form's sealed stamp of when it was handed out (see BotChecks).</summary>
    public static string FormStamp(string html)
    {
        var match = FormStampField().Match(html);
        Assert.True(match.Success, "The page has no form stamp.");
        return WebUtility.HtmlDecode(match.Groups["stamp"].Value);
    }

    /// <summary>
    /// Posts a form the way a browser does after loading the page it is on (see <see cref="CompleteFormAsync"/>).
    /// </summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        await client.PostAsync(path, new FormUrlEncodedContent(await CompleteFormAsync(client, path, fields)));

    /// <summary>
    /// Loads the page at <paramref name="path"/> and adds to the fields what a browser would send
    /// with its form: the antiforgery token and, on the signing form, its stamp and a solved proof
    /// of work (unless the fields carry their own). For tests that prepare forms to send at once.
    /// </summary>
    public static async Task<List<KeyValuePair<string, string>>> CompleteFormAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var form = fields.Append(new("__RequestVerificationToken", AntiforgeryToken(html))).ToList();
        if (FormStampField().IsMatch(html) && !form.Any(field => field.Key == "Input.Started"))
        {
            form.Add(new("Input.Started", FormStamp(html)));
        }

        // The comment form carries its own stamp.
        if (CommentStampField().Match(html) is { Success: true } commentStamp && form.Any(field => field.Key.StartsWith("Comment.", StringComparison.Ordinal))
            && !form.Any(field => field.Key == "Comment.Started"))
        {
            form.Add(new("Comment.Started", WebUtility.HtmlDecode(commentStamp.Groups["stamp"].Value)));
        }

        // Each form's widget fetches challenges for that form only: the comment form's from its own path.
        var commenting = form.Any(field => field.Key.StartsWith("Comment.", StringComparison.Ordinal));
        var widget = ProofOfWorkWidget().Matches(html).FirstOrDefault(w => w.Groups["path"].Value.EndsWith("/comments/altcha", StringComparison.Ordinal) == commenting);
        if (widget is not null && !form.Any(field => field.Key == ProofOfWork.FormField))
        {
            form.Add(new(ProofOfWork.FormField, await ProofOfWorkSolver.FetchAndSolveAsync(client, widget.Groups["path"].Value)));
        }

        return form;
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

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/confirm/[A-Za-z0-9_-]{43})")]
    private static partial Regex ConfirmationLink();

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/comments/confirm/[A-Za-z0-9_-]{43})")]
    private static partial Regex CommentConfirmationLink();

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/erase/[A-Za-z0-9_-]+)")]
    private static partial Regex EraseLink();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"Input.Started\" value=\"(?<stamp>[^\"]+)\"")]
    private static partial Regex FormStampField();

    [GeneratedRegex("name=\"Comment.Started\" value=\"(?<stamp>[^\"]+)\"")]
    private static partial Regex CommentStampField();

    [GeneratedRegex("data-testid=\"authenticator-key\">(?<key>[A-Z2-7 ]+)</code>")]
    private static partial Regex AuthenticatorKeyField();

    [GeneratedRegex("name=\"SealedKey\" value=\"(?<key>[^\"]+)\"")]
    private static partial Regex SealedKeyField();

    [GeneratedRegex("<li><code>(?<code>[2-9a-z]{5}-[2-9a-z]{5})</code></li>")]
    private static partial Regex RecoveryCode();

    [GeneratedRegex("<altcha-widget challenge=\"(?<path>[^\"]+)\"")]
    private static partial Regex ProofOfWorkWidget();
}

/// <summary>One PostgreSQL server for the whole test run; each test gets its own database on it.</summary>
public static class SharedPostgres
{
    private static readonly Lazy<Task<PostgresServer>> Server = new(() => PostgresServer.StartAsync());

    public static Task<PostgresServer> GetAsync() => Server.Value;
}
