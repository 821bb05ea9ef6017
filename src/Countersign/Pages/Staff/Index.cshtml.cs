using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>The campaigns this member of staff works on, with their role in each; admins and moderators see them all.</summary>
public sealed class IndexModel(CountersignDb db) : PageModel
{
    public sealed record Row(Campaign Campaign, string Role);

    public IReadOnlyList<Row> Campaigns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var siteRole = User.IsInRole(StaffRoles.Admin) ? StaffRoles.Admin : User.IsInRole(StaffRoles.Moderator) ? StaffRoles.Moderator : null;
        var staffId = AuditLog.StaffIdOf(User) ?? 0;
        var memberships = await db.CampaignMembers.AsNoTracking().Where(m => m.StaffUserId == staffId).ToDictionaryAsync(m => m.CampaignId, m => m.Role, cancellationToken);
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => siteRole != null || db.CampaignMembers.Any(m => m.CampaignId == c.Id && m.StaffUserId == staffId))
            .OrderByDescending(c => c.UpdatedAt)
            .ToListAsync(cancellationToken);

        // An admin who also organises a campaign acts there as admin: the wider role wins.
        Campaigns = campaigns.Select(c => new Row(c, siteRole == StaffRoles.Admin ? siteRole : memberships.GetValueOrDefault(c.Id) ?? siteRole!)).ToList();
    }
}
