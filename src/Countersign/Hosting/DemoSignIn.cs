using System.Text;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Countersign.Hosting;

/// <summary>
/// <c>serve --demo</c>: the demo staff account's sign-in, printed in a box once the site listens,
/// at every start, so the person trying Countersign never has to scroll back for it.
/// </summary>
/// <remarks>
/// The account gets a new password at every start rather than one kept in the data folder: no
/// password lies anywhere in plain text, the one printed is always the one that works (even after
/// it was changed on the account page), and a demo left running somewhere cannot be entered with
/// an old console's copy; its sessions end with it. Its authenticator app stays enrolled. Printed
/// on the console, never logged: log lines travel further than the terminal of whoever started it.
/// Runs after <see cref="DatabaseStartup"/> (registered after it), so the database is ready.
/// </remarks>
public sealed class DemoSignIn(IServiceProvider services, IServer server, IHostApplicationLifetime lifetime, IOptions<SiteOptions> site, DataFolder dataFolder) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var password = await scope.ServiceProvider.GetRequiredService<StaffAccounts>().RenewDemoAccountAsync(DemoData.DemoStaffEmail, cancellationToken);

        // Once the site listens: the framework's "Now listening on" (quiet in demo mode, see
        // CountersignApp.QuietLogging) then the box, in one write, the last thing on the console.
        lifetime.ApplicationStarted.Register(() => Console.Out.Write(ListeningOn() + Box(
            $"Countersign is running with demo data at {site.Value.PublicUrl}",
            "",
            $"Staff sign-in: {site.Value.Link("staff/login")}",
            $"  email:    {DemoData.DemoStaffEmail}",
            $"  password: {password}",
            "",
            "A new password is made at each start (earlier sessions end).",
            "The first sign-in sets up an authenticator app (any TOTP app).",
            $"Data folder: {dataFolder.Path}",
            "Press Ctrl+C to stop.")));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private string ListeningOn() =>
        string.Concat((server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []).Select(address => $"Now listening on: {address}{Environment.NewLine}"));

    /// <summary>The lines framed in plain ASCII, which every terminal shows.</summary>
    private static string Box(params string[] lines)
    {
        var width = lines.Max(line => line.Length);
        var border = "+" + new string('-', width + 2) + "+";
        var box = new StringBuilder().AppendLine().AppendLine(border);
        foreach (var line in lines)
        {
            box.Append("| ").Append(line.PadRight(width)).AppendLine(" |");
        }

        return box.AppendLine(border).AppendLine().ToString();
    }
}
