using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Countersign.Tests.Infrastructure;

/// <summary>The countersign executable running as its own process, so a test can kill it outright.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    public static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "countersign.dll");

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private ServerProcess(Process process, string address, ConcurrentQueue<string> output)
    {
        _process = process;
        Address = address;
        _output = output;
    }

    public string Address { get; }

    /// <summary>What the server wrote to its console so far (standard output and error), line by line.</summary>
    public IReadOnlyList<string> Output => [.. _output];

    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> environment, params string[] extraArgs)
    {
        var port = FreePort();
        var address = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in new[] { Executable, "serve", "--urls", address }.Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var output = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => Keep(output, line.Data);
        process.ErrorDataReceived += (_, line) => Keep(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(5) };
        // A wait for readiness, not a speed test: on a 2-core machine shared with another test
        // run, serve --demo (migrations, demo data, a password hash) has taken 50 s to answer.
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            Assert.False(process.HasExited, $"countersign serve exited with code {(process.HasExited ? process.ExitCode : 0)} before answering.");
            try
            {
                if ((await client.GetAsync("/")).StatusCode == HttpStatusCode.OK)
                {
                    return new ServerProcess(process, address, output);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Starting slowly (migrations, demo data).
            }

            Assert.True(DateTime.UtcNow < deadline, "countersign serve did not answer within 180 seconds.");
            await Task.Delay(100);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or an out-of-memory kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process.Dispose();
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is not null)
        {
            output.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
