using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using DnsClient;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// A real DNS server (Debian's dnsmasq) on a free 127.0.0.1 port, answering for the zone <see cref="Zone"/> from the TXT
/// records a test publishes, and with NXDOMAIN for every other name in it. It never forwards a query: it has no upstream
/// servers. Publishing restarts it on the same port with the new records, as dnsmasq reads them only at start.
/// </summary>
public sealed class DnsServer : IAsyncDisposable
{
    /// <summary>The zone the server answers for: organisations' websites in tests are at names under it, like scientists.example.</summary>
    public const string Zone = "example";

    private const string Dnsmasq = "/usr/sbin/dnsmasq";

    private const string MissingDnsmasqMessage =
        "dnsmasq not found at /usr/sbin/dnsmasq: the DNS tests need a real DNS server; install Debian package dnsmasq-base (scripts/test.sh does this)";

    /// <summary>A record always there, which tells the server is answering.</summary>
    private const string ReadyName = "ready.countersign-test." + Zone;

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(15);

    private readonly StringBuilder _output = new();
    private readonly EventHandler _processExitHandler;
    private IReadOnlyList<(string Name, string Value)> _records = [];
    private Process? _process;

    private DnsServer(int port)
    {
        Port = port;

        // An orphaned server would keep its port after a crashed test run.
        _processExitHandler = (_, _) => Kill(_process);
        AppDomain.CurrentDomain.ProcessExit += _processExitHandler;
    }

    public int Port { get; }

    /// <summary>The server as <c>Letters:DnsServers</c> names it.</summary>
    public string EndPoint => "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts a server with no records but its own; fails with what to install when dnsmasq is missing, never skips.</summary>
    public static async Task<DnsServer> StartAsync()
    {
        if (!File.Exists(Dnsmasq))
        {
            throw new InvalidOperationException(MissingDnsmasqMessage);
        }

        // The free port is only free until someone else grabs it, so a lost race gets a new port.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var server = new DnsServer(FreeLoopbackPort());
            try
            {
                await server.StartProcessAsync();
                return server;
            }
            catch (InvalidOperationException) when (attempt < attempts)
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Serves these TXT records (name, value) from now on, in place of those published before.</summary>
    public async Task PublishAsync(params (string Name, string Value)[] records)
    {
        _records = records;
        await StopAsync();
        await StartProcessAsync();
    }

    /// <summary>Stops answering: queries to the port then get no answer at all.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        _process = null;
        if (process is null)
        {
            return;
        }

        Kill(process);
        await process.WaitForExitAsync();
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
        await StopAsync();
    }

    private async Task StartProcessAsync()
    {
        var startInfo = new ProcessStartInfo(Dnsmasq)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments =
        [
            "--keep-in-foreground",
            "--conf-file=/dev/null", // not the machine's /etc/dnsmasq.conf
            "--no-resolv", "--no-hosts", "--no-poll",
            "--bind-interfaces", "--listen-address=127.0.0.1",
            "--port=" + Port.ToString(CultureInfo.InvariantCulture),
            "--pid-file=", // none
            "--log-facility=-", // its messages on stderr, for a failure's report
            $"--local=/{Zone}/", // names in the zone that have no record do not exist (NXDOMAIN)
            $"--txt-record={ReadyName},ready",
        ];
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // As root dnsmasq would switch to the user "nobody" (or "dnsmasq"); it needs nothing that root has, but CI runs as root.
        if (Environment.IsPrivilegedProcess)
        {
            startInfo.ArgumentList.Add("--user=root");
            startInfo.ArgumentList.Add("--group=root");
        }

        foreach (var (name, value) in _records)
        {
            // dnsmasq splits a --txt-record's value at commas, into the strings of one record.
            if (value.Contains(',', StringComparison.Ordinal))
            {
                throw new ArgumentException($"A test record's value has a comma, which dnsmasq would split: {value}");
            }

            startInfo.ArgumentList.Add($"--txt-record={name},{value}");
        }

        lock (_output)
        {
            _output.Clear();
        }

        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var probe = new LookupClient(new LookupClientOptions(new IPEndPoint(IPAddress.Loopback, Port))
        {
            Timeout = TimeSpan.FromMilliseconds(500),
            Retries = 0,
            UseCache = false,
        });
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            if (process.HasExited)
            {
                await process.WaitForExitAsync();
                var code = process.ExitCode;
                await StopAsync();
                throw new InvalidOperationException($"dnsmasq exited with code {code} before answering on {EndPoint}.\n{Output()}");
            }

            if (await AnswersAsync(probe))
            {
                return;
            }

            if (stopwatch.Elapsed > StartupTimeout)
            {
                await StopAsync();
                throw new InvalidOperationException($"dnsmasq did not answer on {EndPoint} within {StartupTimeout.TotalSeconds} s.\n{Output()}");
            }

            await Task.Delay(50);
        }
    }

    private static async Task<bool> AnswersAsync(LookupClient probe)
    {
        try
        {
            var response = await probe.QueryAsync(ReadyName, QueryType.TXT);
            return response.Answers.TxtRecords().Any(txt => txt.Text.Contains("ready"));
        }
        catch (DnsResponseException)
        {
            return false;
        }
    }

    /// <summary>A port free on 127.0.0.1 for both UDP and TCP, which dnsmasq both listens on.</summary>
    private static int FreeLoopbackPort()
    {
        while (true)
        {
            using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
            try
            {
                var tcp = new TcpListener(IPAddress.Loopback, port);
                tcp.Start();
                tcp.Stop();
                return port;
            }
            catch (SocketException)
            {
                // Taken for TCP: another port.
            }
        }
    }

    private static void Kill(Process? process)
    {
        try
        {
            process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.Length == 0 ? "(dnsmasq wrote nothing)" : _output.ToString();
        }
    }
}
