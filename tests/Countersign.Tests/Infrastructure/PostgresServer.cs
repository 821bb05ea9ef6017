using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// A throwaway PostgreSQL cluster in a temp folder, listening on a free loopback port.
/// Tests get real PostgreSQL semantics (constraints, transactions, collation) without
/// depending on a machine-wide server or its configuration.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private const string MissingBinariesMessage =
        "PostgreSQL server binaries not found; install Debian package postgresql (scripts/test.sh does this)";

    private const string ServiceUser = "postgres";

    private const string FolderPrefix = "countersign-pg-";

    /// <summary>Names the test process a cluster belongs to, so a later run can tell a leftover from a neighbour's.</summary>
    private const string OwnerFile = "owner";

    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(120);

    private readonly string _binDirectory;
    private readonly string _rootDirectory;
    private readonly bool _runAsServiceUser;
    private readonly SemaphoreSlim _createDatabaseLock = new(1, 1);
    private readonly EventHandler _processExitHandler;
    private int _disposed;

    private PostgresServer(string binDirectory, string rootDirectory, bool runAsServiceUser, int port)
    {
        _binDirectory = binDirectory;
        _rootDirectory = rootDirectory;
        _runAsServiceUser = runAsServiceUser;
        Port = port;
        AdminConnectionString = BuildConnectionString("postgres", pooling: false);

        // A test run that crashes or forgets to dispose must not leave a postmaster behind
        // holding a port and a temp folder on a developer machine.
        _processExitHandler = (_, _) => StopAndDelete();
        AppDomain.CurrentDomain.ProcessExit += _processExitHandler;
    }

    public int Port { get; }

    public string AdminConnectionString { get; }

    /// <summary>The cluster's files and the server's log, for tests that scan everything stored for personal data.</summary>
    public string DataDirectory => Path.Combine(_rootDirectory, "data");

    public string LogFile => Path.Combine(_rootDirectory, "postgres.log");

    public static async Task<PostgresServer> StartAsync(CancellationToken ct = default)
    {
        var binDirectory = FindBinDirectory() ?? throw new InvalidOperationException(MissingBinariesMessage);

        // initdb and postgres refuse to run as root, so when we are root the cluster belongs to
        // the postgres account that the Debian package creates.
        var runAsServiceUser = Environment.IsPrivilegedProcess
            || string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

        await StopLeftoverClustersAsync(binDirectory, runAsServiceUser);

        var rootDirectory = Path.Combine(Path.GetTempPath(), FolderPrefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(rootDirectory);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(rootDirectory, OwnerFile), OwnerStamp(Process.GetCurrentProcess()), ct);
            if (runAsServiceUser)
            {
                await RunCheckedAsync("chown", ["-R", ServiceUser + ":", rootDirectory], rootDirectory, ct);
            }

            var dataDirectory = Path.Combine(rootDirectory, "data");
            await InitDbAsync(binDirectory, dataDirectory, rootDirectory, runAsServiceUser, ct);

            // The free port is only free until someone else grabs it, so a lost race gets a new port.
            const int attempts = 3;
            for (var attempt = 1; ; attempt++)
            {
                var port = GetFreeLoopbackPort();
                var server = new PostgresServer(binDirectory, rootDirectory, runAsServiceUser, port);
                try
                {
                    await server.StartPostmasterAsync(ct);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < attempts && !ct.IsCancellationRequested)
                {
                    server.ForgetProcessExitHook();
                }
                catch
                {
                    server.ForgetProcessExitHook();
                    throw;
                }
            }
        }
        catch
        {
            TryDeleteDirectory(rootDirectory);
            throw;
        }
    }

    /// <summary>Creates an empty database and returns a connection string for it.</summary>
    public async Task<string> CreateDatabaseAsync(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        // Quoting alone is not enough: the name also ends up in a connection string, and
        // PostgreSQL silently truncates identifiers longer than 63 bytes.
        if (name.Length > 63 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException(
                $"Database name '{name}' must be 1-63 ASCII letters, digits or underscores.", nameof(name));
        }

        // Concurrent CREATE DATABASE statements copying the same template can fail with
        // "source database is being accessed by other users"; serialising costs little.
        await _createDatabaseLock.WaitAsync();
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnectionString);
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // The name is validated above to plain ASCII identifier characters.
            command.CommandText = $"CREATE DATABASE \"{name}\"";
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            _createDatabaseLock.Release();
        }

        return BuildConnectionString(name, pooling: true);
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return ValueTask.CompletedTask;
        }

        ForgetProcessExitHook();
        StopAndDelete();
        _createDatabaseLock.Dispose();
        return ValueTask.CompletedTask;
    }

    private string BuildConnectionString(string database, bool pooling)
    {
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = ServiceUser,
            Database = database,
            IncludeErrorDetail = true,
            Pooling = pooling,
        };

        if (pooling)
        {
            // Pooling keeps EF Core-heavy tests fast, but idle connections must not pile up across
            // many per-test databases until max_connections runs out, so they are pruned quickly.
            builder.MaxPoolSize = 20;
            builder.MinPoolSize = 0;
            builder.ConnectionIdleLifetime = 2;
            builder.ConnectionPruningInterval = 1;
        }

        return builder.ConnectionString;
    }

    private async Task StartPostmasterAsync(CancellationToken ct)
    {
        // pg_ctl hands -o to /bin/sh, hence the quotes around the socket folder.
        var serverOptions = string.Join(
            ' ',
            "-c listen_addresses=127.0.0.1",
            "-p " + Port.ToString(CultureInfo.InvariantCulture),
            $"-c unix_socket_directories='{_rootDirectory}'",
            // Durability is pointless for a cluster that is deleted after the run.
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200");

        var result = await RunAsync(
            PgCommand("pg_ctl"),
            ["start", "-w", "-t", "60", "-D", DataDirectory, "-l", LogFile, "-o", serverOptions],
            ct);

        if (result.ExitCode != 0)
        {
            // The postmaster may be half up (for example still in crash recovery); do not leave it.
            await RunAsync(PgCommand("pg_ctl"), ["stop", "-m", "immediate", "-D", DataDirectory], CancellationToken.None);
            throw new InvalidOperationException(
                $"pg_ctl start failed with exit code {result.ExitCode} on port {Port}.\n{result.Output}\n"
                + $"--- tail of {LogFile} ---\n{ReadLogTail(LogFile)}");
        }
    }

    private static async Task InitDbAsync(
        string binDirectory, string dataDirectory, string workingDirectory, bool runAsServiceUser, CancellationToken ct)
    {
        // C.UTF-8 gives PostgreSQL proper Unicode case mapping; plain C is the fallback for
        // systems without that locale.
        ProcessResult? result = null;
        foreach (var locale in new[] { "C.UTF-8", "C" })
        {
            var (fileName, prefix) = CommandFor(binDirectory, "initdb", runAsServiceUser);
            result = await RunAsync(
                fileName,
                [.. prefix, "-D", dataDirectory, "-A", "trust", "-U", ServiceUser, "--no-sync", "-E", "UTF8", "--locale=" + locale],
                ct,
                workingDirectory);
            if (result.ExitCode == 0)
            {
                return;
            }

            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }

        throw new InvalidOperationException($"initdb failed with exit code {result!.ExitCode}.\n{result.Output}");
    }

    private (string FileName, string[] Prefix) PgCommand(string tool) => CommandFor(_binDirectory, tool, _runAsServiceUser);

    private static (string FileName, string[] Prefix) CommandFor(string binDirectory, string tool, bool runAsServiceUser)
    {
        var toolPath = Path.Combine(binDirectory, tool);
        return runAsServiceUser
            ? (File.Exists("/usr/sbin/runuser") ? "/usr/sbin/runuser" : "runuser", ["-u", ServiceUser, "--", toolPath])
            : (toolPath, []);
    }

    private static Task<ProcessResult> RunAsync(
        (string FileName, string[] Prefix) command, IEnumerable<string> arguments, CancellationToken ct) =>
        RunAsync(command.FileName, [.. command.Prefix, .. arguments], ct);

    private void StopAndDelete()
    {
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            // Synchronous on purpose: this also runs from ProcessExit, where nothing can be awaited.
            RunAsync(PgCommand("pg_ctl"), ["stop", "-m", "immediate", "-w", "-D", DataDirectory], CancellationToken.None)
                .GetAwaiter().GetResult();
        }

        TryDeleteDirectory(_rootDirectory);
    }

    /// <summary>
    /// Stops and deletes the clusters of test processes that were killed (ProcessExit never runs then), so
    /// stray postmasters do not pile up on a developer's machine; clusters of runs still going are left alone.
    /// </summary>
    private static async Task StopLeftoverClustersAsync(string binDirectory, bool runAsServiceUser)
    {
        foreach (var rootDirectory in Directory.EnumerateDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var ownerFile = Path.Combine(rootDirectory, OwnerFile);
            if (!File.Exists(ownerFile) || OwnerIsRunning(await File.ReadAllTextAsync(ownerFile)))
            {
                continue;
            }

            var dataDirectory = Path.Combine(rootDirectory, "data");
            if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
            {
                var (fileName, prefix) = CommandFor(binDirectory, "pg_ctl", runAsServiceUser);
                await RunAsync(fileName, [.. prefix, "stop", "-m", "immediate", "-w", "-D", dataDirectory], CancellationToken.None);
            }

            TryDeleteDirectory(rootDirectory);
        }
    }

    /// <summary>A process id with its start time, since ids are reused.</summary>
    private static string OwnerStamp(Process process) =>
        string.Create(CultureInfo.InvariantCulture, $"{process.Id} {process.StartTime.ToUniversalTime().Ticks}");

    private static bool OwnerIsRunning(string stamp)
    {
        var parts = stamp.Split(' ');
        if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var id)
            || !long.TryParse(parts[1], CultureInfo.InvariantCulture, out var startTicks))
        {
            return true; // Not a stamp this code wrote: leave the cluster to whoever made it.
        }

        try
        {
            using var process = Process.GetProcessById(id);

            // A start time read twice may differ by a clock tick; a reused id started long after.
            return Math.Abs(process.StartTime.ToUniversalTime().Ticks - startTicks) < TimeSpan.TicksPerSecond;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return false; // No such process any more: nobody is using the cluster.
        }
    }

    private void ForgetProcessExitHook() => AppDomain.CurrentDomain.ProcessExit -= _processExitHandler;

    private static string? FindBinDirectory()
    {
        static bool HasTools(string directory) =>
            File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "pg_ctl"));

        // Debian keeps server binaries off PATH, one folder per major version.
        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            var newest = Directory.GetDirectories(debianRoot)
                .Select(dir => (Dir: Path.Combine(dir, "bin"), Version: ParseVersion(Path.GetFileName(dir))))
                .Where(candidate => candidate.Version is not null && HasTools(candidate.Dir))
                .OrderByDescending(candidate => candidate.Version)
                .Select(candidate => candidate.Dir)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(HasTools);
    }

    private static Version? ParseVersion(string text) =>
        Version.TryParse(text.Contains('.', StringComparison.Ordinal) ? text : text + ".0", out var version) ? version : null;

    private static int GetFreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static string ReadLogTail(string logFile, int lines = 40)
    {
        try
        {
            return File.Exists(logFile)
                ? string.Join('\n', File.ReadLines(logFile).TakeLast(lines))
                : "(no log file was written)";
        }
        catch (IOException ex)
        {
            return $"(could not read log: {ex.Message})";
        }
        catch (UnauthorizedAccessException ex)
        {
            return $"(could not read log: {ex.Message})";
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

    private static async Task RunCheckedAsync(
        string fileName, IEnumerable<string> arguments, string workingDirectory, CancellationToken ct)
    {
        var result = await RunAsync(fileName, arguments, ct, workingDirectory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {result.ExitCode}.\n{result.Output}");
        }
    }

    private static async Task<ProcessResult> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken ct, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            // The postgres account cannot enter root's home, which is often the current directory.
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = new Process { StartInfo = startInfo };
        var output = new StringBuilder();
        var outputLock = new object();
        void Append(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is not null)
            {
                lock (outputLock)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Append;
        process.ErrorDataReceived += Append;
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException($"Could not start {fileName}: {ex.Message}", ex);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(CommandTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            if (ct.IsCancellationRequested)
            {
                throw;
            }

            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} did not finish within {CommandTimeout.TotalSeconds} s.\n{output}");
        }

        lock (outputLock)
        {
            return new ProcessResult(process.ExitCode, output.ToString());
        }
    }

    private sealed record ProcessResult(int ExitCode, string Output);
}
