using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Staff;

/// <summary>
/// The coalition: each partner's own description, logo, share link and credit, and leaving. A partner sees and changes
/// only its own organisation; organisers see and change every one. The rules live in <see cref="CoalitionPartners"/>.
/// </summary>
[CampaignRole(StaffRoles.Partner, StaffRoles.Organiser)]
[RequestSizeLimit(MaxRequestBytes)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxRequestBytes)]
public sealed class PartnersModel(CountersignDb db, CoalitionPartners partners, IOptions<SiteOptions> site, IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>Twice the largest logo taken, so that a file somewhat too large is answered here, by its field, rather than by the error page.</summary>
    public const int MaxRequestBytes = 2 * CoalitionPartners.MaxLogoBytes;

    public Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<CampaignHost> Hosts { get; private set; } = [];
    public IReadOnlyDictionary<int, PartnerCredit> Credit { get; private set; } = new Dictionary<int, PartnerCredit>();

    /// <summary>The host whose form was refused, with the problem by field.</summary>
    public int? RefusedHostId { get; private set; }
    public Dictionary<string, string> Problems { get; } = [];

    /// <summary>The description as typed, when its form was refused.</summary>
    public string? TypedDescription { get; private set; }

    [TempData]
    public string? Done { get; set; }

    /// <summary>The partner's own share link: the campaign's address with its code, crediting it with whom it brings.</summary>
    public string ShareLink(CampaignHost host) => Referral.Mark(site.Value.Link($"c/{Campaign.Slug}"), host.ReferralCode);

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDescribeAsync(int id, int hostId, string? description, CancellationToken cancellationToken)
    {
        TypedDescription = description;
        return await ActAsync(id, hostId, host => partners.DescribeAsync(host, description, User, cancellationToken), t["The description is saved: the campaign page shows it now."], cancellationToken);
    }

    public Task<IActionResult> OnPostLogoAsync(int id, int hostId, IFormFile? logo, CancellationToken cancellationToken) =>
        ActAsync(id, hostId, host => partners.UploadLogoAsync(host, logo, User, cancellationToken), t["The logo is saved: the campaign page shows it now."], cancellationToken);

    public Task<IActionResult> OnPostRemoveLogoAsync(int id, int hostId, CancellationToken cancellationToken) =>
        ActAsync(id, hostId, host => partners.RemoveLogoAsync(host, User, cancellationToken), t["The logo is removed."], cancellationToken);

    /// <param name="confirmed">The box saying the partner means it: leaving cannot be undone.</param>
    public Task<IActionResult> OnPostLeaveAsync(int id, int hostId, bool confirmed, CancellationToken cancellationToken) =>
        ActAsync(id, hostId, host => confirmed
            ? partners.LeaveAsync(host, User, cancellationToken)
            : Task.FromResult(PartnerResult.Invalid("Confirmed", "Tick the box to confirm that this organisation leaves the coalition.")),
            t["The organisation has left the coalition: its name and logo are off the campaign page, and new signers are no longer asked about it."], cancellationToken);

    /// <summary>Runs a change on one host the visitor may act for; any other host id (another campaign's, another partner's, junk) is 404.</summary>
    private async Task<IActionResult> ActAsync(int id, int hostId, Func<CampaignHost, Task<PartnerResult>> change, string done, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken) || Hosts.FirstOrDefault(h => h.Id == hostId) is not { } host)
        {
            return NotFound();
        }

        var result = await change(host);
        switch (result.Outcome)
        {
            case PartnerOutcome.Saved:
                Done = done;
                return RedirectToPage(new { id });
            case PartnerOutcome.Left:
                RefusedHostId = hostId;
                Problems[""] = t["This organisation has left the coalition: nothing of it changes any more."];
                Response.StatusCode = StatusCodes.Status409Conflict;
                break;
            default:
                RefusedHostId = hostId;
                Problems[result.Field!] = t[result.Problem!];
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                break;
        }

        // The page as loaded for the change is still how things stand: a refused change touches nothing.
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return false;
        }

        Campaign = campaign;
        Hosts = await partners.VisibleAsync(id, User, HttpContext.Items[CampaignRoleFilter.RoleItem] as string, cancellationToken);
        Credit = await partners.CreditAsync(id, Hosts, cancellationToken);
        return true;
    }
}
