using System.Text.RegularExpressions;
using MimeKit;

namespace Countersign.Tests.Infrastructure;

/// <summary>The emails a test installation wrote to its outbox folder (no SMTP server set), and the links in them.</summary>
public sealed partial class Mailbox(string dataFolder)
{
    /// <summary>Emails the outbox worker has written to the outbox folder, waiting until there are at least <paramref name="count"/>.</summary>
    public async Task<IReadOnlyList<MimeMessage>> EmailsAsync(int count, TimeSpan? timeout = null)
    {
        var folder = Path.Combine(dataFolder, "outbox");
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "*.eml").Order(StringComparer.Ordinal).ToList() : [];
            if (files.Count >= count)
            {
                var messages = new List<MimeMessage>();
                foreach (var file in files)
                {
                    messages.Add(await MimeMessage.LoadAsync(file));
                }

                return messages;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} email(s) in the outbox folder, found {files.Count}.");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>The path of the confirmation link in an email, e.g. /confirm/abc...</summary>
    public static string ConfirmationPath(MimeMessage message)
    {
        var match = ConfirmationLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, $"No confirmation link in the email '{message.Subject}'.");
        return match.Groups["path"].Value;
    }

    /// <summary>The path of the confirmation link in a comment's email, e.g. /comments/confirm/abc...</summary>
    public static string CommentConfirmationPath(MimeMessage message)
    {
        var match = CommentConfirmationLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, $"No comment confirmation link in the email '{message.Subject}'.");
        return match.Groups["path"].Value;
    }

    /// <summary>The path of the erase link every email to a signer ends with, e.g. /erase/abc...</summary>
    public static string ErasePath(MimeMessage message)
    {
        var match = EraseLink().Match(message.TextBody ?? "");
        Assert.True(match.Success, $"No erase link in the email '{message.Subject}'.");
        return match.Groups["path"].Value;
    }

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/confirm/[A-Za-z0-9_-]{43})")]
    private static partial Regex ConfirmationLink();

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/comments/confirm/[A-Za-z0-9_-]{43})")]
    private static partial Regex CommentConfirmationLink();

    [GeneratedRegex(@"https?://[^/\s]+(?<path>/erase/[A-Za-z0-9_-]+)")]
    private static partial Regex EraseLink();
}
