using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>Creating (<c>/staff/campaigns/new</c>) and editing a campaign.</summary>
public sealed class EditCampaignModel(CountersignDb db, CampaignCache campaigns, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public CampaignInput Input { get; set; } = new();

    public bool IsNew { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        var (found, campaign) = await FindAsync(id, cancellationToken);
        if (!found)
        {
            return NotFound();
        }

        if (campaign is not null)
        {
            Input = CampaignInput.From(campaign);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken cancellationToken)
    {
        var (found, campaign) = await FindAsync(id, cancellationToken);
        if (!found)
        {
            return NotFound();
        }

        ModelState.Clear();
        foreach (var (field, problem) in Input.Validate())
        {
            ModelState.AddModelError($"{nameof(Input)}.{field}", t[problem]);
        }

        if (ModelState.IsValid && await db.Campaigns.AnyAsync(c => c.Slug == Input.Slug && c.Id != (campaign == null ? 0 : campaign.Id), cancellationToken))
        {
            ModelState.AddModelError($"{nameof(Input)}.{nameof(CampaignInput.Slug)}", t["Another campaign already uses this address."]);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        if (campaign is null)
        {
            campaign = new Campaign { Slug = "", Title = "", Summary = "", CreatedAt = now };
            db.Campaigns.Add(campaign);
        }

        var previousSlug = campaign.Slug;
        Input.ApplyTo(campaign);
        campaign.UpdatedAt = now;

        // The retention period of signers' data runs from delivery, or from closing when there was none.
        if (campaign.State is CampaignState.Closed or CampaignState.Delivered)
        {
            campaign.ClosedAt ??= now;
        }

        if (campaign.State == CampaignState.Delivered)
        {
            campaign.DeliveredAt ??= now;
        }
        await db.SaveChangesAsync(cancellationToken);
        campaigns.Forget(previousSlug);
        campaigns.Forget(campaign.Slug);
        return Redirect("/staff");
    }

    private async Task<(bool Found, Campaign? Campaign)> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (id == "new")
        {
            IsNew = true;
            return (true, null);
        }

        if (!int.TryParse(id, out var campaignId))
        {
            return (false, null);
        }

        var campaign = await db.Campaigns.Include(c => c.Hosts).FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        return (campaign is not null, campaign);
    }
}
