using System.CommandLine;
using System.Text;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Hosting;

/// <summary>The command line: <c>serve</c>, <c>migrate</c>, <c>user add</c>, <c>user disable</c>, <c>user enable</c>, <c>user reset</c> and <c>demo-load</c>, all in the one executable.</summary>
public static class Cli
{
    private static readonly HashSet<string> HelpAndVersion = ["-h", "--help", "-?", "--version"];

    public static async Task<int> RunAsync(string[] args)
    {
        // Hosts such as WebApplicationFactory start the app with settings like --environment=Testing
        // and no command: that is a plain serve.
        try
        {
            if (args.Length == 0 || (args[0].StartsWith('-') && !HelpAndVersion.Contains(args[0])))
            {
                return await ServeAsync(args, demo: false, urls: null, contentRoot: null);
            }

            var root = new RootCommand("Countersign: petitions, open letters and accountability records for campaigns against surveillance technology.");
            root.Subcommands.Add(ServeCommand());
            root.Subcommands.Add(MigrateCommand());
            root.Subcommands.Add(UserCommand());
            root.Subcommands.Add(DemoLoadCommand());
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception exception) when (IsOperatorMistake(exception))
        {
            // Configuration and database problems get a sentence, not a stack trace.
            await Console.Error.WriteLineAsync($"countersign: {exception.Message}");
            return 1;
        }
    }

    private static bool IsOperatorMistake(Exception exception) =>
        exception is SchemaBehindException or UnknownSchemaHistoryException or OptionsValidationException or ArgumentException or System.Data.Common.DbException
            or InvalidOperationException { Source: "countersign" or "Microsoft.Data.Sqlite" or "Npgsql" };

    private static Command ServeCommand()
    {
        var demo = new Option<bool>("--demo") { Description = "Load the demo campaigns and a demo staff account into an empty database." };
        var urls = new Option<string?>("--urls") { Description = "Addresses to listen on, separated by ';' (default http://localhost:5000)." };
        var command = new Command("serve", "Run the web site and its background workers.") { demo, urls };
        command.SetAction((result, _) => ServeAsync([], result.GetValue(demo), result.GetValue(urls), AppContext.BaseDirectory));
        return command;
    }

    private static async Task<int> ServeAsync(string[] args, bool demo, string? urls, string? contentRoot)
    {
        var settings = new Dictionary<string, string?>();
        if (demo)
        {
            settings["Demo:Load"] = "true";
        }

        if (urls is { Length: > 0 })
        {
            settings["urls"] = urls;
        }

        var app = CountersignApp.Build(args, settings, contentRoot);
        PointLinksAtListeningAddress(app, urls);
        await app.RunAsync();
        return 0;
    }

    /// <summary>Without a configured Site:PublicUrl, email links point where the site listens, so local trials just work.</summary>
    private static void PointLinksAtListeningAddress(WebApplication app, string? urls)
    {
        if (app.Configuration[$"{SiteOptions.Section}:{nameof(SiteOptions.PublicUrl)}"] is { Length: > 0 })
        {
            return;
        }

        var first = (urls ?? app.Configuration["urls"] ?? "http://localhost:5000").Split(';', StringSplitOptions.RemoveEmptyEntries)[0];
        app.Services.GetRequiredService<IOptions<SiteOptions>>().Value.PublicUrl = first.Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
            .Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal);
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Bring the database schema up to date (needed before serve on PostgreSQL).");
        command.SetAction(async (_, cancellationToken) =>
        {
            await using var app = CountersignApp.Build([], contentRoot: AppContext.BaseDirectory);
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
            var pending = await Schema.MigrateAsync(db, cancellationToken);
            Console.WriteLine(pending.Count == 0 ? "The database is up to date." : $"Applied {pending.Count} migration(s): {string.Join(", ", pending)}.");
            return 0;
        });
        return command;
    }

    private static Command DemoLoadCommand()
    {
        var campaign = new Option<string>("--campaign") { Description = "The campaign's address (slug).", Required = true };
        var signatures = new Option<int>("--signatures") { Description = "How many synthetic confirmed signatures to add.", Required = true };
        var command = new Command("demo-load", "Fill a campaign with synthetic confirmed signatures (marked as demo data), for large-campaign measurements.") { campaign, signatures };
        command.SetAction(async (result, cancellationToken) =>
        {
            var count = result.GetValue(signatures);
            if (count is < 1 or > 100_000_000)
            {
                await Console.Error.WriteLineAsync("--signatures must be between 1 and 100,000,000.");
                return 1;
            }

            await using var app = CountersignApp.Build([], contentRoot: AppContext.BaseDirectory);
            if (!await EnsureSchemaAsync(app, cancellationToken))
            {
                return 1;
            }

            await using var scope = app.Services.CreateAsyncScope();
            var started = System.Diagnostics.Stopwatch.StartNew();
            var loaded = await scope.ServiceProvider.GetRequiredService<Campaigns.DemoData>().LoadAsync(
                result.GetRequiredValue(campaign), count,
                written => Console.Error.Write($"\r{written:N0} of {count:N0} signatures written"),
                cancellationToken);
            Console.Error.WriteLine();
            if (loaded is null)
            {
                await Console.Error.WriteLineAsync($"No campaign has the address '{result.GetRequiredValue(campaign)}'.");
                return 1;
            }

            Console.WriteLine($"Added {count:N0} confirmed signatures to '{loaded.Slug}' in {started.Elapsed.TotalSeconds:N1} s.");
            return 0;
        });
        return command;
    }

    /// <summary>SQLite is migrated in place; a PostgreSQL schema that is behind is reported.</summary>
    private static async Task<bool> EnsureSchemaAsync(WebApplication app, CancellationToken cancellationToken)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        if (app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider == DatabaseProvider.Sqlite)
        {
            await Schema.MigrateAsync(db, cancellationToken);
            return true;
        }

        var pending = (await Schema.PendingAsync(db, cancellationToken)).Count;
        if (pending > 0)
        {
            await Console.Error.WriteLineAsync(new SchemaBehindException(pending).Message);
            return false;
        }

        return true;
    }

    private static Command UserCommand()
    {
        var email = new Option<string>("--email") { Description = "The staff member's email address.", Required = true };
        var admin = new Option<bool>("--admin") { Description = "Give the account the admin role (manages staff accounts and everything else)." };
        var moderator = new Option<bool>("--moderator") { Description = "Give the account the moderator role (runs campaigns, reviews signatures)." };
        var add = new Command("add", "Add a staff account; the password is asked for on the terminal. The first sign-in sets up an authenticator app.") { email, admin, moderator };
        add.SetAction(async (result, cancellationToken) =>
        {
            var password = ReadPassword();
            await using var app = CountersignApp.Build([], contentRoot: AppContext.BaseDirectory);
            if (!await EnsureSchemaAsync(app, cancellationToken))
            {
                return 1;
            }

            await using var scope = app.Services.CreateAsyncScope();
            var problem = await scope.ServiceProvider.GetRequiredService<StaffAccounts>()
                .AddAsync(result.GetRequiredValue(email), password, Roles(result.GetValue(admin), result.GetValue(moderator)), cancellationToken);
            if (problem is not null)
            {
                await Console.Error.WriteLineAsync(problem);
                return 1;
            }

            Console.WriteLine("Staff account added.");
            return 0;
        });
        return new Command("user", "Manage staff accounts.") { add, ChangeCommand("disable"), ChangeCommand("enable"), ResetCommand() };
    }

    /// <summary>
    /// <c>user reset</c>: for someone locked out (a lost password or phone), or an account that may
    /// be stolen. The new password is printed, for the operator to hand over by a safe way.
    /// </summary>
    private static Command ResetCommand()
    {
        var email = new Option<string>("--email") { Description = "The staff member's email address.", Required = true };
        var password = new Option<bool>("--password") { Description = "Give the account a new password, printed here." };
        var authenticator = new Option<bool>("--authenticator") { Description = "Take away its authenticator app and recovery codes: the next sign-in sets up an app." };
        var command = new Command("reset", "Give a staff account a new password and a fresh authenticator app (both, unless one is named); every session of it ends.")
        {
            email, password, authenticator,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var (newPassword, newAuthenticator) = (result.GetValue(password), result.GetValue(authenticator)) switch
            {
                (false, false) => (true, true),
                var named => named,
            };
            return WithStaffAccountAsync(result.GetRequiredValue(email), async (accounts, user, address) =>
            {
                var reset = await accounts.ResetAsync(user.Id, newPassword, newAuthenticator, cancellationToken);
                if (reset.Refused != StaffAccounts.Refusal.None)
                {
                    await Console.Error.WriteLineAsync($"Staff account {address} could not be reset ({reset.Refused}).");
                    return 1;
                }

                Console.WriteLine($"Staff account {address} reset: every session of it has ended.");
                if (reset.Password is { } given)
                {
                    Console.WriteLine($"  new password: {given}");
                }

                if (newAuthenticator)
                {
                    Console.WriteLine("  Its authenticator app and recovery codes are gone: the next sign-in sets up an app.");
                }

                if (user.IsDisabled)
                {
                    Console.WriteLine($"  The account is disabled: it signs in again once enabled (countersign user enable --email {address}).");
                }

                return 0;
            }, cancellationToken);
        });
        return command;
    }

    /// <summary>
    /// What the <c>user</c> commands that change one account share: the app on its data folder with its
    /// schema up to date, and the account with this address (addresses are kept trimmed and in lower
    /// case), or exit code 1 after saying there is none.
    /// </summary>
    private static async Task<int> WithStaffAccountAsync(string email, Func<StaffAccounts, StaffUser, string, Task<int>> change, CancellationToken cancellationToken)
    {
        await using var app = CountersignApp.Build([], contentRoot: AppContext.BaseDirectory);
        if (!await EnsureSchemaAsync(app, cancellationToken))
        {
            return 1;
        }

        await using var scope = app.Services.CreateAsyncScope();
        var address = email.Trim().ToLowerInvariant();
        var user = await scope.ServiceProvider.GetRequiredService<CountersignDb>().StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Email == address, cancellationToken);
        if (user is null)
        {
            await Console.Error.WriteLineAsync($"No staff account has the address {address}.");
            return 1;
        }

        return await change(scope.ServiceProvider.GetRequiredService<StaffAccounts>(), user, address);
    }

    /// <summary>
    /// <c>user disable</c> and <c>user enable</c>: for an operator at the server, e.g. when the only
    /// other admin's account was stolen. The same rules as on the admins' page, less "not yourself".
    /// </summary>
    private static Command ChangeCommand(string name)
    {
        var email = new Option<string>("--email") { Description = "The staff member's email address.", Required = true };
        var description = name == "disable"
            ? "Disable a staff account: it can no longer sign in, its sessions end and its waiting invitations are withdrawn."
            : "Enable a disabled staff account again.";
        var command = new Command(name, description) { email };
        command.SetAction((result, cancellationToken) => WithStaffAccountAsync(result.GetRequiredValue(email), async (accounts, user, address) =>
        {
            var change = name == "disable"
                ? await accounts.DisableAsync(user.Id, actor: null, cancellationToken)
                : await accounts.EnableAsync(user.Id, actor: null, cancellationToken);
            switch (change.Refused)
            {
                case StaffAccounts.Refusal.None:
                    Console.WriteLine(name == "disable"
                        ? $"Staff account {address} disabled: it can no longer sign in, and its sessions have ended ({change.InvitationsWithdrawn} waiting invitation(s) it sent withdrawn)."
                        : $"Staff account {address} enabled: it can sign in again.");
                    return 0;
                case StaffAccounts.Refusal.Unchanged:
                    Console.WriteLine(name == "disable" ? $"Staff account {address} was already disabled." : $"Staff account {address} was already in use.");
                    return 0;
                case StaffAccounts.Refusal.LastAdmin:
                    await Console.Error.WriteLineAsync($"{address} is the last admin account in use: enable or add another admin first (countersign user add --admin).");
                    return 1;
                default:
                    await Console.Error.WriteLineAsync($"Staff account {address} could not be changed ({change.Refused}).");
                    return 1;
            }
        }, cancellationToken));
        return command;
    }

    private static string[] Roles(bool admin, bool moderator) =>
        [.. admin ? [StaffRoles.Admin] : Array.Empty<string>(), .. moderator ? [StaffRoles.Moderator] : Array.Empty<string>()];

    /// <summary>Reads a password without echoing it; from a pipe, reads one line (for scripts).</summary>
    private static string ReadPassword()
    {
        Console.Error.Write("Password: ");
        if (Console.IsInputRedirected)
        {
            return Console.In.ReadLine() ?? "";
        }

        var password = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                Console.Error.WriteLine();
                return password.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (password.Length > 0)
                {
                    password.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }
    }
}
