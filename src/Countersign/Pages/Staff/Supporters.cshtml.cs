using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>
/// The campaign's figures and, per host organisation, the supporters who agreed to hear from it, with each list's
/// download. A partner sees only its own organisation's; the rules live in <see cref="CoalitionPartners"/>.
/// </summary>
[CampaignRole(StaffRoles.Partner, StaffRoles.Organiser)]
public sealed class SupportersModel(CountersignDb db, CoalitionPartners partners) : PageModel
{
    public sealed record HostFigures(int HostId, string Name, int OptedIn, DateTime? LeftAt);

    public Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<HostFigures> Hosts { get; private set; } = [];
    public bool PersonalDataErased => Campaign.PersonalDataErasedAt is not null;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) is not null ? Page() : NotFound();

    /// <summary>A CSV of one host's opt-in supporters, streamed as it is read (see <see cref="CoalitionPartners.ExportAsync"/>).</summary>
    public async Task<IActionResult> OnPostExportAsync(int id, int hostId, CancellationToken cancellationToken)
    {
        var host = (await LoadAsync(id, cancellationToken))?.FirstOrDefault(h => h.Id == hostId);
        if (host is null || PersonalDataErased || await partners.ExportAsync(host, User, cancellationToken) is not { } export)
        {
            return NotFound();
        }

        // Its length cannot be known before the rows are decrypted, so the browser shows the download growing rather
        // than a percentage; the page says beforehand how many rows it holds.
        return new StreamedDownload("text/csv; charset=utf-8", export.FileName, export.WriteAsync);
    }

    private async Task<IReadOnlyList<CampaignHost>?> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        Campaign = campaign;
        var visible = await partners.VisibleAsync(id, User, HttpContext.Items[CampaignRoleFilter.RoleItem] as string, cancellationToken);
        var figures = new List<HostFigures>();
        foreach (var host in visible)
        {
            figures.Add(new HostFigures(host.Id, host.Name, await partners.OptedIn(host).CountAsync(cancellationToken), host.LeftAt));
        }

        Hosts = figures;
        return visible;
    }
}
