using Countersign.Signing;

namespace Countersign.Comments;

/// <summary>What a person types into a campaign's comment form, kept as typed so the form can come back with their values.</summary>
public sealed class CommentForm
{
    /// <summary>The honeypot's form field (see <see cref="BotChecks"/>): hidden from people, so it stays empty.</summary>
    public const string HoneypotField = "Comment.Website";

    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Text { get; set; }
    public string? Website { get; set; }

    /// <summary>The sealed time the form was handed out (see <see cref="BotChecks"/>).</summary>
    public string? Started { get; set; }

    public string TrimmedName => (Name ?? "").Trim();
    public string TrimmedEmail => (Email ?? "").Trim();

    /// <summary>The text with its line breaks made uniform and blank edges trimmed; it is shown as plain text.</summary>
    public string TrimmedText => (Text ?? "").Replace("\r\n", "\n", StringComparison.Ordinal).Trim();

    /// <summary>Problems by form field, as untranslated messages (the page translates them).</summary>
    public Dictionary<string, string> Validate()
    {
        var problems = new Dictionary<string, string>();
        PersonalDetails.CheckName(problems, nameof(Name), TrimmedName);
        if (PersonalDetails.CheckEmail(problems, nameof(Email), TrimmedEmail) && DisposableEmailDomains.IsDisposable(TrimmedEmail))
        {
            problems[nameof(Email)] = "This address is from a disposable email service. Use an address you will keep, so your comment can be confirmed.";
        }

        var text = TrimmedText;
        if (text.Length == 0)
        {
            problems[nameof(Text)] = "Write your comment.";
        }
        else if (text.Length > Comment.TextMaxLength)
        {
            problems[nameof(Text)] = "Your comment must be 2,000 characters or fewer.";
        }
        else if (text.Any(c => char.IsControl(c) && c is not ('\n' or '\t')) || text.Contains('\uFFFD', StringComparison.Ordinal))
        {
            problems[nameof(Text)] = "Your comment contains characters we cannot store.";
        }

        return problems;
    }
}
