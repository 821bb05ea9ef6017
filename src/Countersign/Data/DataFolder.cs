namespace Countersign.Data;

/// <summary>
/// The folder holding the embedded database, the key file and the email outbox
/// (<c>Data:Folder</c>, default <c>data</c> under the working directory).
/// </summary>
public sealed class DataFolder
{
    public DataFolder(IConfiguration configuration)
    {
        Path = System.IO.Path.GetFullPath(configuration["Data:Folder"] is { Length: > 0 } folder ? folder : "data");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Combine(string name) => System.IO.Path.Combine(Path, name);
}
