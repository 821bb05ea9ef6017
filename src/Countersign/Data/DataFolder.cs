namespace Countersign.Data;

/// <summary>
/// The folder holding the embedded database, the key file and the email outbox
/// (<c>Data:Folder</c>, default <c>data</c> under the working directory).
/// </summary>
/// <remarks>
/// Everything in it is personal data or the keys to it, so it is for the account Countersign runs
/// as alone: the folder and the folders in it are made owner-only (0700), and its files 0600, at
/// every start, which also mends the files of an installation made before this rule. New files
/// made later by libraries that use the default mode (the cookie keys) stay unreadable to others
/// because no other account can enter the folder.
/// </remarks>
public sealed class DataFolder
{
    public const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    public const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>The embedded database's file (with its -wal and -shm files beside it).</summary>
    public const string SqliteFileName = "countersign.db";

    public DataFolder(IConfiguration configuration)
    {
        Path = System.IO.Path.GetFullPath(configuration["Data:Folder"] is { Length: > 0 } folder ? folder : "data");
        CreateFolder(Path);
        NotOwnerOnly = OperatingSystem.IsWindows() ? [] : MakeOwnerOnly(Path);
    }

    public string Path { get; }

    /// <summary>Entries whose mode could not be made owner-only (not ours to change, say), for a warning at start.</summary>
    public IReadOnlyList<string> NotOwnerOnly { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>
    /// Makes an empty owner-only file, unless it exists. SQLite makes its files with the process's
    /// default mode (0644 on most systems), and its -wal and -shm files take the database file's
    /// mode: an empty file made first is opened as a new database, and its companions follow it.
    /// </summary>
    public static void CreateOwnerOnlyFile(string path)
    {
        if (File.Exists(path))
        {
            return;
        }

        try
        {
            using var created = new FileStream(path, OwnerOnlyCreation(FileMode.CreateNew));
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process made it first.
        }
    }

    /// <summary>Makes a folder (and its parents) owner-only if it does not exist yet.</summary>
    public static void CreateFolder(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
        }
        else
        {
            Directory.CreateDirectory(path, OwnerOnlyFolder);
        }
    }

    /// <summary>Options for a new file that only the owner may read, whatever the process's default mode.</summary>
    public static FileStreamOptions OwnerOnlyCreation(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnlyFile;
        }

        return options;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static List<string> MakeOwnerOnly(string folder)
    {
        var refused = new List<string>();
        Restrict(folder, OwnerOnlyFolder, refused);
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (!entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                Restrict(entry.FullName, entry is DirectoryInfo ? OwnerOnlyFolder : OwnerOnlyFile, refused);
            }
        }

        return refused;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Restrict(string path, UnixFileMode wanted, List<string> refused)
    {
        try
        {
            var mode = File.GetUnixFileMode(path);
            if ((mode & ~wanted) != 0)
            {
                File.SetUnixFileMode(path, mode & wanted);
            }
        }
        catch (Exception exception) when (exception is UnauthorizedAccessException or IOException)
        {
            refused.Add(path);
        }
    }
}
