using System.Diagnostics;
using System.Net;
using System.Reflection;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Hosting;

/// <summary>The countersign executable, run as an operator would run it.</summary>
public sealed partial class CommandLineTests
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "countersign.dll");

    private sealed record Run(int ExitCode, string Output, string Error);

    private static Task<Run> CountersignAsync(IReadOnlyDictionary<string, string> environment, string? input, params string[] args) =>
        DotnetAsync(environment, input, Path.GetTempPath(), [Executable, .. args]);

    private static async Task<Run> DotnetAsync(IReadOnlyDictionary<string, string> environment, string? input, string workingDirectory, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteLineAsync(input);
        }

        process.StandardInput.Close();

        // `dotnet run` reads the project before it starts anything: slow on a busy machine.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await process.WaitForExitAsync(timeout.Token);
        return new Run(process.ExitCode, await output, await error);
    }

    private static Dictionary<string, string> SqliteEnvironment(string folder) => new()
    {
        ["Data__Folder"] = folder,
        ["Privacy__EncryptionKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        ["Privacy__HashingKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
    };

    [Fact]
    public async Task Should_add_a_staff_user_who_can_then_sign_in_and_refuse_a_short_password()
    {
        var folder = Directory.CreateTempSubdirectory("countersign-cli-").FullName;
        var environment = SqliteEnvironment(folder);

        var added = await CountersignAsync(environment, TestStaff.Password, "user", "add", "--email", "Organiser@Example.org", "--admin", "--moderator");
        Assert.True(added.ExitCode == 0, added.Error);
        Assert.Contains("Staff account added.", added.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(TestStaff.Password, added.Output + added.Error, StringComparison.Ordinal);

        var tooShort = await CountersignAsync(environment, "short", "user", "add", "--email", "second@example.org");
        Assert.Equal(1, tooShort.ExitCode);
        Assert.Contains("at least 12 characters", tooShort.Error, StringComparison.Ordinal);

        var twice = await CountersignAsync(environment, "a long enough password", "user", "add", "--email", "organiser@example.org");
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("already exists", twice.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", twice.Error, StringComparison.Ordinal);

        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["Data:Folder"] = folder);
        var browser = await site.Staff.SignedInAsync("organiser@example.org");
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff/outbox")).StatusCode);
        Assert.Equal([StaffRoles.Admin, StaffRoles.Moderator], await site.QueryAsync(db => db.UserRoles.OrderBy(r => r.RoleId)
            .Join(db.Roles, link => link.RoleId, role => role.Id, (_, role) => role.Name!).ToListAsync()));
    }

    [Fact]
    public async Task Should_disable_and_enable_a_staff_account_but_never_the_last_admin()
    {
        var folder = Directory.CreateTempSubdirectory("countersign-cli-").FullName;
        var environment = SqliteEnvironment(folder);
        Assert.Equal(0, (await CountersignAsync(environment, TestStaff.Password, "user", "add", "--email", "admin@example.org", "--admin")).ExitCode);
        Assert.Equal(0, (await CountersignAsync(environment, TestStaff.Password, "user", "add", "--email", "moderator@example.org", "--moderator")).ExitCode);

        var disabled = await CountersignAsync(environment, null, "user", "disable", "--email", "Moderator@Example.org");
        Assert.True(disabled.ExitCode == 0, disabled.Error);
        Assert.Contains("Staff account moderator@example.org disabled", disabled.Output, StringComparison.Ordinal);

        var lastAdmin = await CountersignAsync(environment, null, "user", "disable", "--email", "admin@example.org");
        Assert.Equal(1, lastAdmin.ExitCode);
        Assert.Contains("admin@example.org is the last admin account in use", lastAdmin.Error, StringComparison.Ordinal);
        var unknown = await CountersignAsync(environment, null, "user", "disable", "--email", "nobody@example.org");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No staff account has the address nobody@example.org.", unknown.Error, StringComparison.Ordinal);

        await using (var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["Data:Folder"] = folder))
        {
            var refused = await FormFiller.PostAsync(site.Browser(), "/staff/login", [new("Email", "moderator@example.org"), new("Password", TestStaff.Password)]);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(site.Browser(), "/staff/login", [new("Email", "admin@example.org"), new("Password", TestStaff.Password)])).StatusCode);
        }

        var enabled = await CountersignAsync(environment, null, "user", "enable", "--email", "moderator@example.org");
        Assert.True(enabled.ExitCode == 0, enabled.Error);
        Assert.Contains("enabled: it can sign in again", enabled.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_serve_the_demo_from_any_working_folder_and_print_its_sign_in_last_at_every_start()
    {
        var folder = Directory.CreateTempSubdirectory("countersign-cli-").FullName;
        var environment = SqliteEnvironment(folder);
        string firstPassword;
        await using (var server = await ServerProcess.StartAsync(environment, "--demo"))
        {
            using var client = new HttpClient { BaseAddress = new Uri(server.Address) };
            var css = await client.GetAsync("/css/site.css");
            Assert.Equal(HttpStatusCode.OK, css.StatusCode);
            Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);

            // Pages link the stylesheet by a name holding its fingerprint, which the executable serves as well.
            var page = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await client.GetStringAsync("/c/drop-the-face-recognition-stake"));
            var stylesheet = page.QuerySelectorAll("link[rel=stylesheet]").Select(link => link.GetAttribute("href")).Single(href => StaticFiles.Unfingerprinted(href) == "/css/site.css");
            Assert.Equal(await css.Content.ReadAsStringAsync(), await client.GetStringAsync(stylesheet));

            // One demo campaign takes comments and already has some, newest first, from people who do not exist.
            var eccv = WebUtility.HtmlDecode(await client.GetStringAsync("/c/no-surveillance-sponsors-at-eccv"));
            Assert.Contains("Add a comment", eccv, StringComparison.Ordinal);
            var newest = eccv.IndexOf("Forwarded to our department's mailing list.", StringComparison.Ordinal);
            var oldest = eccv.IndexOf("I have reviewed for ECCV before.", StringComparison.Ordinal);
            Assert.True(newest > 0 && oldest > newest, "The demo comments are not listed newest first.");
            Assert.DoesNotContain("@example.invalid", eccv, StringComparison.Ordinal);

            firstPassword = await DemoPasswordAsync(server);

            // The printed sign-in works: the first one goes on to setting up an authenticator app.
            Assert.StartsWith("/staff/login/enrol", await DemoSignInAsync(server, firstPassword), StringComparison.Ordinal);

            // Pages with forms (the staff sign-in) and the framework's requests add nothing to the console.
            var before = server.Output.Count;
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/staff/login")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
            Assert.Equal(before, server.Output.Count);
        }

        // Started again: a new password, and the old one opens nothing.
        await using var again = await ServerProcess.StartAsync(environment, "--demo");
        var secondPassword = await DemoPasswordAsync(again);
        Assert.NotEqual(firstPassword, secondPassword);
        Assert.Null(await DemoSignInAsync(again, firstPassword));
        Assert.NotNull(await DemoSignInAsync(again, secondPassword));
    }

    /// <summary>
    /// The demo account's password from the box serve --demo prints once it listens, after checking
    /// that the box is the last thing on the console, right under "Now listening on", and that
    /// nothing the framework or EF says at information level or above came before it.
    /// </summary>
    private static async Task<string> DemoPasswordAsync(ServerProcess server)
    {
        await TestSite.WaitUntilAsync(() => Task.FromResult(server.Output.Count(line => line.StartsWith("+---", StringComparison.Ordinal)) == 2), "the sign-in box is printed");
        var output = server.Output;
        var box = output.Select((line, i) => (line, i)).Where(entry => entry.line.StartsWith("+---", StringComparison.Ordinal)).Select(entry => entry.i).ToList();
        Assert.True(output.Skip(box[1] + 1).All(string.IsNullOrWhiteSpace), "Something was printed after the sign-in box:\n" + string.Join("\n", output));
        Assert.Equal($"Now listening on: {server.Address}", output.Take(box[0]).Last(line => line.Length > 0));
        Assert.DoesNotContain(output, line => line.StartsWith("warn:", StringComparison.Ordinal) || line.StartsWith("fail:", StringComparison.Ordinal)
            || line.StartsWith("info: Microsoft", StringComparison.Ordinal) || line.StartsWith("info: System", StringComparison.Ordinal));

        var lines = output.Skip(box[0]).Take(box[1] - box[0]).ToList();
        Assert.Contains(lines, line => line.Contains($"Staff sign-in: {server.Address}/staff/login ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains($"email:    {Countersign.Campaigns.DemoData.DemoStaffEmail} ", StringComparison.Ordinal));
        var password = lines.Select(line => DemoPassword().Match(line)).Single(match => match.Success).Groups["password"].Value;
        Assert.True(password.Length >= StaffUser.MinimumPasswordLength, $"The demo password '{password}' is too short.");
        return password;
    }

    /// <summary>Where the sign-in page sends the demo account with this password next, or null if it refused.</summary>
    private static async Task<string?> DemoSignInAsync(ServerProcess server, string password)
    {
        using var browser = new HttpClient(new LoopbackCookieJar()) { BaseAddress = new Uri(server.Address) };
        var response = await FormFiller.PostAsync(browser, "/staff/login", [new("Email", Countersign.Campaigns.DemoData.DemoStaffEmail), new("Password", password)]);
        return response.StatusCode == HttpStatusCode.Redirect ? response.Headers.Location?.OriginalString : null;
    }

    [GeneratedRegex(@"^\|\s+password: (?<password>\S+)\s+\|$")]
    private static partial Regex DemoPassword();

    [Fact]
    public async Task Should_keep_its_data_under_the_folder_it_was_started_from_with_dotnet_run_as_with_the_executable()
    {
        // The README's own command, run from a folder of one's choice: dotnet run used to put the
        // data in the project's folder (src/Countersign/data), whatever the folder it was typed in.
        var fromDotnetRun = Directory.CreateTempSubdirectory("countersign-run-").FullName;
        var project = Path.Combine(Repository.Root, "src", "Countersign", "Countersign.csproj");
        var configuration = typeof(CommandLineTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        var ran = await DotnetAsync(new Dictionary<string, string>(), null, fromDotnetRun, ["run", "--project", project, "--configuration", configuration, "--no-build", "--", "migrate"]);
        Assert.True(ran.ExitCode == 0, ran.Output + ran.Error);
        Assert.True(File.Exists(Path.Combine(fromDotnetRun, "data", DataFolder.SqliteFileName)), $"No data/{DataFolder.SqliteFileName} in the folder dotnet run was started from.");

        var fromExecutable = Directory.CreateTempSubdirectory("countersign-exe-").FullName;
        var started = await DotnetAsync(new Dictionary<string, string>(), null, fromExecutable, [Executable, "migrate"]);
        Assert.True(started.ExitCode == 0, started.Output + started.Error);
        Assert.True(File.Exists(Path.Combine(fromExecutable, "data", DataFolder.SqliteFileName)), $"No data/{DataFolder.SqliteFileName} in the folder the executable was started from.");
    }

    [Fact]
    public async Task Should_reset_a_staff_accounts_password_and_authenticator_ending_its_sessions()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite);
        var environment = SqliteEnvironment(site.DataFolder);
        const string email = "organiser@example.org";
        var session = await site.Staff.SignedInAsync(email, StaffRoles.Admin);
        Assert.Equal(HttpStatusCode.OK, (await session.GetAsync("/staff")).StatusCode);

        // A new password only: the session ends, the old password is refused, the app stays.
        var passwordOnly = await CountersignAsync(environment, null, "user", "reset", "--email", "Organiser@Example.org", "--password");
        Assert.True(passwordOnly.ExitCode == 0, passwordOnly.Error);
        var password = NewPassword().Match(passwordOnly.Output).Groups["password"].Value;
        Assert.True(password.Length >= StaffUser.MinimumPasswordLength, passwordOnly.Output);
        Assert.Equal(HttpStatusCode.Redirect, (await session.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await FormFiller.PostAsync(site.Browser(), "/staff/login", [new("Email", email), new("Password", TestStaff.Password)])).StatusCode);
        var withApp = await FormFiller.PostAsync(site.Browser(), "/staff/login", [new("Email", email), new("Password", password)]);
        Assert.StartsWith("/staff/login/code", withApp.Headers.Location?.OriginalString, StringComparison.Ordinal);

        // Both (the default): a new password again, and the next sign-in sets up an app afresh.
        var both = await CountersignAsync(environment, null, "user", "reset", "--email", email);
        Assert.True(both.ExitCode == 0, both.Error);
        Assert.Contains("the next sign-in sets up an app", both.Output, StringComparison.Ordinal);
        var newest = NewPassword().Match(both.Output).Groups["password"].Value;
        Assert.NotEqual(password, newest);
        var enrol = await FormFiller.PostAsync(site.Browser(), "/staff/login", [new("Email", email), new("Password", newest)]);
        Assert.StartsWith("/staff/login/enrol", enrol.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await site.QueryAsync(db => db.StaffRecoveryCodes.CountAsync()));

        // The app alone: the password stays.
        var appOnly = await CountersignAsync(environment, null, "user", "reset", "--email", email, "--authenticator");
        Assert.True(appOnly.ExitCode == 0, appOnly.Error);
        Assert.DoesNotMatch(NewPassword(), appOnly.Output);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(site.Browser(), "/staff/login", [new("Email", email), new("Password", newest)])).StatusCode);

        Assert.Equal(
            ["organiser@example.org: new password, every session ended, from the command line",
             "organiser@example.org: new password and authenticator app, every session ended, from the command line",
             "organiser@example.org: new authenticator app, every session ended, from the command line"],
            await site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.StaffReset).OrderBy(e => e.Id).Select(e => e.Details!).ToListAsync()));

        var unknown = await CountersignAsync(environment, null, "user", "reset", "--email", "nobody@example.org");
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("No staff account has the address nobody@example.org.", unknown.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", unknown.Error, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"new password: (?<password>\S+)")]
    private static partial Regex NewPassword();

    [Fact]
    public async Task Should_explain_unknown_commands_and_bad_options_without_a_stack_trace()
    {
        var folder = Directory.CreateTempSubdirectory("countersign-cli-").FullName;
        var unknown = await CountersignAsync(SqliteEnvironment(folder), null, "frobnicate");
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.DoesNotContain("   at ", unknown.Error, StringComparison.Ordinal);

        var badKey = SqliteEnvironment(folder);
        badKey["Privacy__EncryptionKey"] = "not base64!";
        var refused = await CountersignAsync(badKey, null, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("Privacy:EncryptionKey is not valid base64", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);

        // The host name requests must carry comes from Site:PublicUrl: a wrong one is said at start.
        var badUrl = SqliteEnvironment(folder);
        badUrl["Site__PublicUrl"] = "petitions.example.org";
        var noHost = await CountersignAsync(badUrl, null, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, noHost.ExitCode);
        Assert.Contains("Site:PublicUrl must be the site's address", noHost.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", noHost.Error, StringComparison.Ordinal);

        // MailKit's Auto sends in plain text when STARTTLS is not offered: said at start, not found out later.
        var plainText = SqliteEnvironment(folder);
        plainText["Smtp__Host"] = "127.0.0.1";
        plainText["Smtp__Security"] = "Auto";
        var auto = await CountersignAsync(plainText, null, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, auto.ExitCode);
        Assert.Contains("Smtp:Security must be unset (TLS required)", auto.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task Should_bulk_load_synthetic_signatures_with_matching_counters(DatabaseProvider provider)
    {
        await using var site = await TestSite.StartAsync(provider);
        var campaign = await site.AddCampaignAsync();
        var environment = SqliteEnvironment(site.DataFolder);
        if (provider == DatabaseProvider.Postgres)
        {
            environment["Database__Provider"] = "Postgres";
            environment["Database__ConnectionString"] = site.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DatabaseOptions>>().Value.ConnectionString!;
        }

        var loaded = await CountersignAsync(environment, null, "demo-load", "--campaign", campaign.Slug, "--signatures", "12000");
        Assert.True(loaded.ExitCode == 0, loaded.Error);
        Assert.Contains("Added 12,000 confirmed signatures", loaded.Output, StringComparison.Ordinal);
        var again = await CountersignAsync(environment, null, "demo-load", "--campaign", campaign.Slug, "--signatures", "100");
        Assert.True(again.ExitCode == 0, again.Error);

        var rows = await site.QueryAsync(db => db.Signatures.CountAsync(s => s.CampaignId == campaign.Id && s.State == Countersign.Signing.SignatureState.Confirmed && s.IsDemo));
        Assert.Equal(12_100, rows);
        Assert.Equal(rows, await site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync()));
        Assert.Equal(rows, await site.QueryAsync(db => db.CountryCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count)));
        Assert.Equal(rows, await site.QueryAsync(db => db.DayCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count)));

        var missing = await CountersignAsync(environment, null, "demo-load", "--campaign", "no-such-campaign", "--signatures", "10");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No campaign has the address 'no-such-campaign'", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_to_serve_a_postgres_schema_that_is_behind_until_migrate_is_run()
    {
        var server = await SharedPostgres.GetAsync();
        var environment = new Dictionary<string, string>(SqliteEnvironment(Directory.CreateTempSubdirectory("countersign-cli-").FullName))
        {
            ["Database__Provider"] = "Postgres",
            ["Database__ConnectionString"] = await server.CreateDatabaseAsync($"cli{Guid.NewGuid():N}"),
        };

        var refused = await CountersignAsync(environment, null, "serve", "--urls", "http://127.0.0.1:0");
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("run `countersign migrate`", refused.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);

        var migrated = await CountersignAsync(environment, null, "migrate");
        Assert.True(migrated.ExitCode == 0, migrated.Error);
        Assert.Contains("Applied", migrated.Output, StringComparison.Ordinal);

        var again = await CountersignAsync(environment, null, "migrate");
        Assert.Contains("up to date", again.Output, StringComparison.Ordinal);

        var options = new DbContextOptionsBuilder<PostgresCountersignDb>().UseNpgsql(environment["Database__ConnectionString"]).Options;
        await using var db = new PostgresCountersignDb(options);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task Should_refuse_a_database_made_by_a_development_build_before_the_migrations_were_squashed()
    {
        // A SQLite database as a development build left it: an old migration in its history, its data in place.
        var folder = Directory.CreateTempSubdirectory("countersign-cli-").FullName;
        var file = Path.Combine(folder, "countersign.db");
        var options = new DbContextOptionsBuilder<SqliteCountersignDb>().UseSqlite($"Data Source={file}").Options;
        await using (var db = new SqliteCountersignDb(options))
        {
            await db.Database.ExecuteSqlRawAsync("""
                CREATE TABLE "__EFMigrationsHistory" ("MigrationId" TEXT PRIMARY KEY, "ProductVersion" TEXT NOT NULL);
                INSERT INTO "__EFMigrationsHistory" VALUES ('20261124063538_Initial', '10.0.0');
                CREATE TABLE "Campaigns" ("Id" INTEGER PRIMARY KEY, "Slug" TEXT NOT NULL);
                INSERT INTO "Campaigns" VALUES (1, 'kept');
                """);
        }

        foreach (var command in new[] { new[] { "migrate" }, ["serve", "--urls", "http://127.0.0.1:0"] })
        {
            var refused = await CountersignAsync(SqliteEnvironment(folder), null, command);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains("development build", refused.Error, StringComparison.Ordinal);
            Assert.Contains("20261124063538_Initial", refused.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", refused.Error, StringComparison.Ordinal);
        }

        // Nothing was applied over it: the same two tables, the same history, the data kept.
        await using var after = new SqliteCountersignDb(options);
        Assert.Equal(["Campaigns", "__EFMigrationsHistory"],
            await after.Database.SqlQueryRaw<string>("""SELECT "name" AS "Value" FROM sqlite_master WHERE "type" = 'table' ORDER BY "name" """).ToListAsync());
        Assert.Equal(["20261124063538_Initial"], await after.Database.GetAppliedMigrationsAsync());
        Assert.Equal(["kept"], await after.Database.SqlQueryRaw<string>("""SELECT "Slug" AS "Value" FROM "Campaigns" """).ToListAsync());
    }
}
