using System.Text.RegularExpressions;
using Countersign.Email;
using Countersign.Hosting;
using Countersign.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Staff;

/// <summary>One email from the outbox folder, with the links to this site clickable so a local tester can confirm, erase or unsubscribe.</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed partial class OutboxMessageModel(OutboxFolder folder, IOptions<SiteOptions> site) : PageModel
{
    public string Subject { get; private set; } = "";
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";

    /// <summary>The text's paragraphs, each as its pieces of plain text and links.</summary>
    public IReadOnlyList<IReadOnlyList<Piece>> Paragraphs { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string file, CancellationToken cancellationToken)
    {
        var message = await folder.OpenAsync(file, cancellationToken);
        if (message is null)
        {
            return NotFound();
        }

        Subject = message.Subject ?? "";
        From = message.From.ToString();
        To = message.To.ToString();
        var ours = new Uri(site.Value.PublicUrl);
        Paragraphs = (message.TextBody ?? "")
            .Split(["\r\n\r\n", "\n\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => Pieces(text, ours))
            .ToList();
        return Page();
    }

    /// <summary>Text, or (<see cref="IsLink"/>) an address of this site to show as a link.</summary>
    public sealed record Piece(string Text, bool IsLink);

    /// <summary>
    /// A paragraph cut around the addresses of this very site (http or https, its host and port,
    /// under its path) in it. Any other address stays text: the emails carry names and comments
    /// people typed, and the outbox is read by an admin whose session is worth stealing.
    /// </summary>
    private static List<Piece> Pieces(string paragraph, Uri ours)
    {
        var pieces = new List<Piece>();
        var done = 0;
        foreach (Match match in WebAddress().Matches(paragraph))
        {
            // Punctuation ending a sentence is not part of the address before it.
            var address = match.Value.TrimEnd('.', ',', ';', ':', '!', '?', ')', '\'', '"');
            if (!IsOurs(address, ours))
            {
                continue;
            }

            if (match.Index > done)
            {
                pieces.Add(new(paragraph[done..match.Index], IsLink: false));
            }

            pieces.Add(new(address, IsLink: true));
            done = match.Index + address.Length;
        }

        if (done < paragraph.Length)
        {
            pieces.Add(new(paragraph[done..], IsLink: false));
        }

        return pieces;
    }

    private static bool IsOurs(string address, Uri ours) =>
        Uri.TryCreate(address, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && Uri.Compare(uri, ours, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0
            && uri.AbsolutePath.StartsWith(ours.AbsolutePath, StringComparison.Ordinal);

    [GeneratedRegex(@"https?://[^\s<>""]+", RegexOptions.IgnoreCase)]
    private static partial Regex WebAddress();
}
