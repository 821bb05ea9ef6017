using Countersign.Data;
using MimeKit;

namespace Countersign.Email;

/// <summary>
/// The embedded default's "mail server": each email becomes an .eml file in data/outbox, listed on
/// the staff outbox page, so someone trying Countersign locally can open their confirmation link.
/// </summary>
public sealed class OutboxFolder(DataFolder dataFolder, TimeProvider clock) : IEmailSender
{
    private long _written;

    public string Path { get; } = dataFolder.Combine("outbox");

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path);
        // Names sort in the order messages were written, even within one millisecond.
        var name = $"{clock.GetUtcNow():yyyyMMdd-HHmmss-fff}-{Interlocked.Increment(ref _written):D8}-{Guid.NewGuid():N}.eml";
        var temporary = System.IO.Path.Combine(Path, name + ".tmp");
        await message.WriteToAsync(temporary, cancellationToken);

        // Written under a temporary name and renamed, so the outbox page never shows half a message.
        File.Move(temporary, System.IO.Path.Combine(Path, name));
    }

    /// <summary>The newest messages first.</summary>
    public IReadOnlyList<FileInfo> List(int max) =>
        Directory.Exists(Path)
            ? new DirectoryInfo(Path).GetFiles("*.eml").OrderByDescending(f => f.Name, StringComparer.Ordinal).Take(max).ToList()
            : [];

    /// <summary>Opens one message by file name, refusing anything that is not a plain file of this folder.</summary>
    public async Task<MimeMessage?> OpenAsync(string fileName, CancellationToken cancellationToken)
    {
        if (fileName.Contains('/', StringComparison.Ordinal) || fileName.Contains('\\', StringComparison.Ordinal)
            || !fileName.EndsWith(".eml", StringComparison.Ordinal) || fileName.StartsWith('.'))
        {
            return null;
        }

        var path = System.IO.Path.Combine(Path, fileName);
        return File.Exists(path) ? await MimeMessage.LoadAsync(path, cancellationToken) : null;
    }
}
