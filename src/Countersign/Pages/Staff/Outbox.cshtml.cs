using Countersign.Data;
using Countersign.Email;
using Countersign.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>What the outbox holds, and on the embedded default the .eml files it wrote.</summary>
[Authorize(Roles = StaffRoles.Admin)]
public sealed class OutboxModel(CountersignDb db, IEmailSender sender, OutboxFolder folder) : PageModel
{
    public const int ListedFiles = 100;

    public int Waiting { get; private set; }
    public int Sent { get; private set; }
    public int Retrying { get; private set; }
    public bool WritesToFolder => sender is OutboxFolder;
    public IReadOnlyList<OutboxFile> Files { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var byStatus = await db.OutboxMessages.AsNoTracking()
            .GroupBy(m => new { IsSent = m.SentAt != null, HasFailed = m.Attempts > 0 })
            .Select(g => new { g.Key.IsSent, g.Key.HasFailed, Count = g.Count() })
            .ToListAsync(cancellationToken);
        Sent = byStatus.Where(s => s.IsSent).Sum(s => s.Count);
        Waiting = byStatus.Where(s => !s.IsSent && !s.HasFailed).Sum(s => s.Count);
        Retrying = byStatus.Where(s => !s.IsSent && s.HasFailed).Sum(s => s.Count);

        if (WritesToFolder)
        {
            var files = new List<OutboxFile>();
            foreach (var file in folder.List(ListedFiles))
            {
                var message = await folder.OpenAsync(file.Name, cancellationToken);
                if (message is not null)
                {
                    files.Add(new OutboxFile(file.Name, file.LastWriteTimeUtc, message.To.ToString(), message.Subject ?? ""));
                }
            }

            Files = files;
        }
    }

    public sealed record OutboxFile(string FileName, DateTime Written, string To, string Subject);
}
