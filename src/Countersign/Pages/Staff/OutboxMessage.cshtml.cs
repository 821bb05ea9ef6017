using Countersign.Email;
using Countersign.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.Mvc;

namespace Countersign.Pages.Staff;

/// <summary>One email from the outbox folder, with its links clickable so a local tester can confirm.</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed class OutboxMessageModel(OutboxFolder folder) : PageModel
{
    public string Subject { get; private set; } = "";
    public string From { get; private set; } = "";
    public string To { get; private set; } = "";
    public IReadOnlyList<Paragraph> Paragraphs { get; private set; } = [];

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
        Paragraphs = (message.TextBody ?? "")
            .Split(["\r\n\r\n", "\n\n"], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(text => new Paragraph(text, Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
            .ToList();
        return Page();
    }

    public sealed record Paragraph(string Text, bool IsLink);
}
