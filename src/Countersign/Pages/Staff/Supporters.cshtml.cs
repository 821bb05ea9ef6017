using System.Globalization;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using CsvHelper;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>
/// The campaign's figures and, per host organisation, the supporters who agreed to hear from it.
/// A partner sees only its own organisation's; every download is written to the audit log.
/// </summary>
[CampaignRole(StaffRoles.Partner, StaffRoles.Organiser)]
public sealed class SupportersModel(CountersignDb db, CampaignKeys campaignKeys, TimeProvider clock) : PageModel
{
    public sealed record HostFigures(int HostId, string Name, int OptedIn);

    public Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<HostFigures> Hosts { get; private set; } = [];
    public bool PersonalDataErased => Campaign.PersonalDataErasedAt is not null;

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    /// <summary>A CSV of one host's opt-in supporters: those confirmed and not set aside who said yes to it.</summary>
    public async Task<IActionResult> OnPostExportAsync(int id, int hostId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken) || Hosts.All(h => h.HostId != hostId) || PersonalDataErased)
        {
            return NotFound();
        }

        var host = Hosts.Single(h => h.HostId == hostId);
        var rows = await OptedIn(id, hostId).OrderBy(s => s.ConfirmedAt)
            .Select(s => new { s.NameCiphertext, s.EmailCiphertext, s.PostcodeCiphertext, s.CountryCode, s.ConfirmedAt, s.Locale })
            .ToListAsync(cancellationToken);
        var cipher = await campaignKeys.ForCampaignAsync(id, cancellationToken);
        using var buffer = new MemoryStream();

        // A name typed as "=HYPERLINK(...)" must stay text when the list is opened in a spreadsheet;
        // the byte order mark makes spreadsheets read the names as UTF-8.
        var format = new CsvWriterOptions { Injection = CsvInjection.Escape, WriteByteOrderMark = true };
        await using (var csv = CsvWriter.Create(buffer, format, leaveOpen: true))
        {
            await csv.WriteRecordAsync(["name", "email", "postcode", "country", "language", "confirmed_at_utc"], cancellationToken);
            foreach (var row in rows)
            {
                await csv.WriteRecordAsync(
                [
                    cipher.DecryptString(row.NameCiphertext),
                    cipher.DecryptString(row.EmailCiphertext),
                    row.PostcodeCiphertext is null ? "" : cipher.DecryptString(row.PostcodeCiphertext),
                    row.CountryCode,
                    row.Locale,
                    row.ConfirmedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                ], cancellationToken);
            }
        }

        db.Record(User, AuditAction.SupportersExported, id, clock.GetUtcNow().UtcDateTime,
            string.Create(CultureInfo.InvariantCulture, $"{rows.Count} supporters of {host.Name}"));
        await db.SaveChangesAsync(cancellationToken);
        return File(buffer.ToArray(), "text/csv; charset=utf-8",
            $"{Campaign.Slug}-supporters-{hostId}.csv");
    }

    private IQueryable<Signature> OptedIn(int campaignId, int hostId) =>
        db.Signatures.AsNoTracking().Where(s => s.CampaignId == campaignId && s.State == SignatureState.Confirmed && s.InvalidationId == null
            && s.UpdatesFromHostIds.Contains(hostId));

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Hosts.OrderBy(h => h.Position)).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return false;
        }

        Campaign = campaign;
        var visible = campaign.Hosts.AsEnumerable();
        if (HttpContext.Items[CampaignRoleFilter.RoleItem] as string == StaffRoles.Partner)
        {
            var staffId = AuditLog.StaffIdOf(User);
            var ownHost = await db.CampaignMembers.Where(m => m.CampaignId == id && m.StaffUserId == staffId).Select(m => m.HostId).FirstOrDefaultAsync(cancellationToken);
            visible = visible.Where(h => h.Id == ownHost);
        }

        var hosts = new List<HostFigures>();
        foreach (var host in visible)
        {
            hosts.Add(new HostFigures(host.Id, host.Name, await OptedIn(id, host.Id).CountAsync(cancellationToken)));
        }

        Hosts = hosts;
        return true;
    }
}
