using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Updates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Signing;

/// <summary>
/// The unsubscribe link of every update email, <c>/u/TOKEN</c>. Opening it changes nothing (mail
/// scanners follow links): the page shows one button. A POST, from that button or from a mail
/// client's one-click unsubscribe (RFC 8058: <c>List-Unsubscribe=One-Click</c>, without cookies or
/// antiforgery token), stops the host's updates to that signer at once. Its other hosts' consents
/// stay. Whether the signer had already unsubscribed, or erased their signature, the answer is the same.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class UnsubscribeModel(CountersignDb db, PersonalDataProtector protector) : PageModel
{
    public string CampaignTitle { get; private set; } = "";
    public string CampaignSlug { get; private set; } = "";
    public string? HostName { get; private set; }
    public bool Unsubscribed { get; private set; }

    /// <summary>Whether the signature counts: held, set aside or erased, the page does not say it does.</summary>
    public bool SignatureCounts { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken) =>
        await InspectAsync(token, cancellationToken) is null ? NotFound() : Page();

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        if (await InspectAsync(token, cancellationToken) is not { } named)
        {
            return NotFound();
        }

        await SignatureRows.RemoveConsentAsync(db, named.SignatureId, named.HostId, cancellationToken);
        Unsubscribed = true;
        return Page();
    }

    /// <summary>The signature and host a genuine link names, with the names the page shows; null for a link we did not issue.</summary>
    private async Task<(long SignatureId, int HostId)?> InspectAsync(string token, CancellationToken cancellationToken)
    {
        if (UnsubscribeLink.Read(protector, token) is not { } named)
        {
            return null;
        }

        var campaign = await db.Signatures.AsNoTracking().Where(s => s.Id == named.SignatureId)
            .Join(db.Campaigns, s => s.CampaignId, c => c.Id, (s, c) => new { c.Id, c.Title, c.Slug })
            .SingleOrDefaultAsync(cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        CampaignTitle = campaign.Title;
        CampaignSlug = campaign.Slug;
        SignatureCounts = await db.Signatures.Where(s => s.Id == named.SignatureId).AnyAsync(Signature.Counts, cancellationToken);

        // A host that left the campaign since is named by its last update; the consent goes all the same.
        HostName = await db.CampaignHosts.AsNoTracking().Where(h => h.Id == named.HostId && h.CampaignId == campaign.Id).Select(h => h.Name).SingleOrDefaultAsync(cancellationToken)
            ?? await db.CampaignUpdates.AsNoTracking().Where(u => u.HostId == named.HostId && u.CampaignId == campaign.Id)
                .OrderByDescending(u => u.Id).Select(u => u.HostName).FirstOrDefaultAsync(cancellationToken);
        return named;
    }
}
