using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using MimeKit;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// A real SMTP server (Debian's aiosmtpd) writing every accepted message into a maildir, so
/// end-to-end tests exercise the app's actual SMTP client code, including the server being down.
/// </summary>
public sealed partial class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";

    private const string MissingAiosmtpdMessage =
        "aiosmtpd not found: /usr/bin/python3 with the aiosmtpd module is required; "
        + "install Debian package python3-aiosmtpd (scripts/test.sh does this)";

    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(15);

    private readonly string _rootDirectory;
    private readonly string _mailDirectory;
    private readonly SemaphoreSlim _lifecycleLock = new(1, 1);
    private readonly EventHandler _processExitHandler;
    private Process? _process;
    private int _disposed;

    private SmtpSink(string rootDirectory, int port)
    {
        _rootDirectory = rootDirectory;
        _mailDirectory = Path.Combine(rootDirectory, "maildir");
        Port = port;

        // An orphaned server would keep its port and temp folder after a crashed test run.
        _processExitHandler = (_, _) => KillServer();
        AppDomain.CurrentDomain.ProcessExit += _processExitHandler;
    }

    /// <summary>The 127.0.0.1 port the server listens on; it stays the same across restarts.</summary>
    public int Port { get; }

    [System.Diagnostics.CodeAnalysis.SuppressMessage(
        "Performance", "CA1822:Mark members as static", Justification = "Read alongside Port as sink.Host.")]
    public string Host => "127.0.0.1";

    public static async Task<SmtpSink> StartAsync(CancellationToken ct = default)
    {
        await EnsureAiosmtpdAsync(ct);

        var rootDirectory = Path.Combine(Path.GetTempPath(), "countersign-smtp-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(rootDirectory);

        // The free port is only free until someone else grabs it, so a lost race gets a new port.
        const int attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var sink = new SmtpSink(rootDirectory, GetFreeLoopbackPort());
            try
            {
                await sink.StartServerAsync(ct);
                return sink;
            }
            catch (InvalidOperationException) when (attempt < attempts && !ct.IsCancellationRequested)
            {
                await sink.DisposeServerOnlyAsync();
            }
            catch
            {
                await sink.DisposeServerOnlyAsync();
                TryDeleteDirectory(rootDirectory);
                throw;
            }
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> messages have arrived and returns every
    /// message received so far, oldest first.
    /// </summary>
    public async Task<IReadOnlyList<MimeMessage>> WaitForMessagesAsync(int count, TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var files = ListMessageFiles();
            if (files.Count >= count)
            {
                var messages = new List<MimeMessage>(files.Count);
                foreach (var file in files)
                {
                    messages.Add(await MimeMessage.LoadAsync(file));
                }

                return messages;
            }

            if (stopwatch.Elapsed >= timeout)
            {
                var subjects = new List<string>();
                foreach (var file in files)
                {
                    using var message = await MimeMessage.LoadAsync(file);
                    subjects.Add("\"" + message.Subject + "\"");
                }

                throw new TimeoutException(
                    $"Expected at least {count} email(s) on SMTP sink port {Port} within {timeout.TotalSeconds:0.###} s, "
                    + $"but {files.Count} arrived"
                    + (subjects.Count > 0 ? ": " + string.Join(", ", subjects) : ".")
                    + (_process is null ? " The SMTP server is currently stopped." : string.Empty));
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server so connections are refused; received messages are kept.</summary>
    public async Task StopAsync()
    {
        await _lifecycleLock.WaitAsync();
        try
        {
            await StopServerAsync();
        }
        finally
        {
            _lifecycleLock.Release();
        }
    }

    /// <summary>Starts the server again on the same port, appending to the same mailbox.</summary>
    public async Task StartAgainAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        await _lifecycleLock.WaitAsync();
        try
        {
            if (_process is null)
            {
                await StartServerAsync(CancellationToken.None);
            }
        }
        finally
        {
            _lifecycleLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await DisposeServerOnlyAsync();
        TryDeleteDirectory(_rootDirectory);
        _lifecycleLock.Dispose();
    }

    private async Task DisposeServerOnlyAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;
        await StopServerAsync();
    }

    private async Task StartServerAsync(CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _rootDirectory,
        };

        // -n: as root, aiosmtpd would otherwise switch to "nobody" and lose access to the maildir.
        foreach (var argument in new[]
        {
            "-m", "aiosmtpd", "-n",
            "-l", "127.0.0.1:" + Port.ToString(CultureInfo.InvariantCulture),
            "-c", "aiosmtpd.handlers.Mailbox", _mailDirectory,
        })
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Unbuffered, so a startup failure's traceback is complete when we report it.
        startInfo.Environment["PYTHONUNBUFFERED"] = "1";
        startInfo.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        var stderr = new StringBuilder();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(stderr, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;

        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            if (process.HasExited)
            {
                await process.WaitForExitAsync(CancellationToken.None);
                var code = process.ExitCode;
                await StopServerAsync();
                throw new InvalidOperationException(
                    $"aiosmtpd exited with code {code} before listening on 127.0.0.1:{Port}.\n{Snapshot(stderr)}");
            }

            if (await AcceptsConnectionsAsync(Port, ct))
            {
                return;
            }

            if (stopwatch.Elapsed > StartupTimeout)
            {
                await StopServerAsync();
                throw new InvalidOperationException(
                    $"aiosmtpd did not accept connections on 127.0.0.1:{Port} within {StartupTimeout.TotalSeconds} s.\n"
                    + Snapshot(stderr));
            }

            await Task.Delay(50, ct);
        }
    }

    private async Task StopServerAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        _process = null;

        // Killing is safe for the mailbox: aiosmtpd only answers 250 after the maildir write
        // (tmp/ then rename into new/), so every acknowledged message is already on disk.
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        // Once the process is gone the kernel has closed the listening socket: refusals are immediate.
        await process.WaitForExitAsync(CancellationToken.None);
        process.Dispose();
    }

    private void KillServer()
    {
        try
        {
            _process?.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        TryDeleteDirectory(_rootDirectory);
    }

    private List<string> ListMessageFiles()
    {
        // Maildir delivers into new/; a mail client could move files to cur/, so both count.
        var files = new List<(string Path, (long Seconds, long Micros, long Counter) Key)>();
        foreach (var sub in new[] { "new", "cur" })
        {
            var directory = Path.Combine(_mailDirectory, sub);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory))
            {
                files.Add((file, ArrivalKey(file)));
            }
        }

        return files
            .OrderBy(f => f.Key)
            .ThenBy(f => Path.GetFileName(f.Path), StringComparer.Ordinal)
            .Select(f => f.Path)
            .ToList();
    }

    /// <summary>
    /// Python's maildir names files "seconds.M{micros}P{pid}Q{counter}.host". The microseconds
    /// are not zero-padded, so names do not sort by arrival as plain strings.
    /// </summary>
    private static (long Seconds, long Micros, long Counter) ArrivalKey(string file)
    {
        var match = MaildirName().Match(Path.GetFileName(file));
        if (match.Success)
        {
            return (
                long.Parse(match.Groups[1].ValueSpan, CultureInfo.InvariantCulture),
                long.Parse(match.Groups[2].ValueSpan, CultureInfo.InvariantCulture),
                long.Parse(match.Groups[3].ValueSpan, CultureInfo.InvariantCulture));
        }

        var written = File.GetLastWriteTimeUtc(file) - DateTime.UnixEpoch;
        return ((long)written.TotalSeconds, written.Microseconds + (written.Milliseconds * 1000L), 0);
    }

    [GeneratedRegex(@"^(\d+)\.M(\d+)P\d+Q(\d+)\.")]
    private static partial Regex MaildirName();

    private static async Task EnsureAiosmtpdAsync(CancellationToken ct)
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException(MissingAiosmtpdMessage);
        }

        var startInfo = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add("import aiosmtpd.handlers");

        using var process = Process.Start(startInfo)!;
        var stderr = process.StandardError.ReadToEndAsync(ct);
        _ = process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(MissingAiosmtpdMessage + "\n" + await stderr);
        }
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port, CancellationToken ct)
    {
        // Waiting for the 220 greeting rather than a bare TCP accept means the server is really
        // serving SMTP, and not some other process that grabbed the port first.
        using var client = new TcpClient();
        try
        {
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
            attempt.CancelAfter(TimeSpan.FromSeconds(2));
            await client.ConnectAsync(IPAddress.Loopback, port, attempt.Token);
            using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
            var greeting = await reader.ReadLineAsync(attempt.Token);
            return greeting?.StartsWith("220", StringComparison.Ordinal) == true;
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static int GetFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.Length == 0 ? "(aiosmtpd wrote nothing to stdout/stderr)" : buffer.ToString();
        }
    }

    private static void TryDeleteDirectory(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing a test run over it is not.
        }
        catch (UnauthorizedAccessException)
        {
            // Same as above.
        }
    }
}
