using System.Globalization;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using MimeKit;

namespace Countersign.Email;

/// <summary>
/// The embedded default's "mail server": each email becomes an .eml file in data/outbox, listed on
/// the staff outbox page, so someone trying Countersign locally can open their confirmation link.
/// </summary>
/// <remarks>
/// The files hold names, addresses and working links, so they are owner-only (0600), they go when
/// the person they were written to erases themselves, and the retention job deletes them once
/// they are older than the time a confirmation link works. To find a person's files without
/// reading them, each name ends with the first bytes of the recipient's email key (the keyed hash
/// a signature stores), which says nothing to anyone without the site's key.
/// </remarks>
public sealed class OutboxFolder(DataFolder dataFolder, PersonalDataProtector protector, TimeProvider clock) : IEmailSender
{
    private const string TimeFormat = "yyyyMMdd-HHmmss-fff";
    private const int RecipientTagBytes = 8;
    private long _written;

    public string Path { get; } = dataFolder.Combine("outbox");

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        DataFolder.CreateFolder(Path);

        // Names sort in the order messages were written, even within one millisecond.
        var recipient = message.To.Mailboxes.FirstOrDefault()?.Address;
        var name = $"{clock.GetUtcNow().ToString(TimeFormat, CultureInfo.InvariantCulture)}-{Interlocked.Increment(ref _written):D8}-{Guid.NewGuid():N}-{(recipient is null ? "none" : TagOf(EmailKeyOf(recipient)))}.eml";
        var temporary = System.IO.Path.Combine(Path, name + ".tmp");
        await using (var file = new FileStream(temporary, DataFolder.OwnerOnlyCreation(FileMode.CreateNew)))
        {
            await message.WriteToAsync(file, cancellationToken);
        }

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

    /// <summary>Deletes every message written to the person with this email key; returns how many.</summary>
    public int DeleteWrittenTo(byte[] emailKey)
    {
        var tag = $"-{TagOf(emailKey)}.eml";
        return Delete(file => file.Name.EndsWith(tag, StringComparison.Ordinal));
    }

    /// <summary>Deletes the messages written before <paramref name="before"/> (by the site's clock, as their names say); returns how many.</summary>
    public int DeleteWrittenBefore(DateTime before)
    {
        var cutOff = before.ToString(TimeFormat, CultureInfo.InvariantCulture);
        return Delete(file => string.CompareOrdinal(file.Name, 0, cutOff, 0, cutOff.Length) < 0);
    }

    private int Delete(Func<FileInfo, bool> which)
    {
        if (!Directory.Exists(Path))
        {
            return 0;
        }

        var deleted = 0;
        foreach (var file in new DirectoryInfo(Path).GetFiles("*.eml").Where(which))
        {
            try
            {
                file.Delete();
                deleted++;
            }
            catch (IOException)
            {
                // Being written or read this moment: the next pass deletes it.
            }
        }

        return deleted;
    }

    private byte[] EmailKeyOf(string address) => protector.EmailKey(EmailAddress.Normalise(address));

    private static string TagOf(byte[] emailKey) => Convert.ToHexStringLower(emailKey.AsSpan(0, RecipientTagBytes));
}
