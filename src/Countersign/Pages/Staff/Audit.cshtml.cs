using Countersign.Data;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>
/// The audit log, newest first, a page at a time: all of it for admins, the entries of their own
/// campaigns for everyone else (<see cref="AuditLog.VisibleTo"/>); nobody may change it.
/// </summary>
public sealed class AuditModel(CountersignDb db) : PageModel
{
    public const int PageSize = 100;

    public sealed record Row(long Id, DateTime At, string? Staff, bool ByCountersign, string Action, int? CampaignId, string? CampaignTitle, string? Details);

    [BindProperty(SupportsGet = true)]
    public int? Campaign { get; set; }

    /// <summary>Show entries older than this one (the "older" link carries it).</summary>
    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<Row> Entries { get; private set; } = [];
    public long? OlderFrom { get; private set; }
    public string? CampaignTitle { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var entries = db.VisibleTo(User).AsNoTracking();
        if (Campaign is { } campaignId)
        {
            // Not even the title of a campaign the reader does not belong to.
            if (await CampaignRoleFilter.RoleInAsync(db, User, campaignId, cancellationToken) is null or StaffRoles.Moderator)
            {
                return Forbid();
            }

            entries = entries.Where(e => e.CampaignId == campaignId);
            CampaignTitle = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.Title).FirstOrDefaultAsync(cancellationToken);
        }

        if (Before is { } before)
        {
            entries = entries.Where(e => e.Id < before);
        }

        var rows = await (
            from entry in entries
            join staff in db.StaffUsers on entry.StaffUserId equals staff.Id into staffMembers
            from member in staffMembers.DefaultIfEmpty()
            join campaign in db.Campaigns on entry.CampaignId equals campaign.Id into campaigns
            from campaign in campaigns.DefaultIfEmpty()
            orderby entry.Id descending
            select new Row(entry.Id, entry.At, member == null ? null : member.Email, entry.StaffUserId == null, entry.Action, entry.CampaignId,
                campaign == null ? null : campaign.Title, entry.Details))
            .Take(PageSize + 1)
            .ToListAsync(cancellationToken);
        Entries = rows.Take(PageSize).ToList();
        OlderFrom = rows.Count > PageSize ? Entries[^1].Id : null;
        return Page();
    }
}
