using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Signing;

public enum EraseOutcome
{
    Ready,
    Erased,
    Unknown,
}

/// <summary>
/// The page the erase link in every email opens. Like confirming, opening it changes nothing (mail
/// scanners follow links); the button erases the signature and everything personal about it.
/// </summary>
public sealed class EraseModel(CountersignDb db, PersonalDataProtector protector, CampaignCache campaigns) : PageModel
{
    public EraseOutcome Outcome { get; private set; } = EraseOutcome.Unknown;
    public Campaign? Campaign { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        await InspectAsync(token, cancellationToken);
        return Shown();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        if (await InspectAsync(token, cancellationToken) is { } named
            && await Erasure.EraseAsync(db, named.CampaignId, named.EmailKey, cancellationToken))
        {
            Outcome = EraseOutcome.Erased;

            // Their comments went with the signature: the page must not keep showing them.
            if (Campaign is not null)
            {
                campaigns.Forget(Campaign.Slug);
            }
        }

        return Shown();
    }

    private PageResult Shown()
    {
        Response.StatusCode = Outcome == EraseOutcome.Unknown ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
        return Page();
    }

    /// <summary>The signature the link names, when the link is genuine and the signature not yet erased.</summary>
    private async Task<(int CampaignId, byte[] EmailKey)?> InspectAsync(string token, CancellationToken cancellationToken)
    {
        if (EraseLink.Read(protector, token) is not { } named)
        {
            return null;
        }

        var (campaignId, emailKey) = named;
        if (!await db.Signatures.AnyAsync(s => s.CampaignId == campaignId && s.EmailKey == emailKey && s.State != SignatureState.Erased, cancellationToken))
        {
            return null;
        }

        Campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        Outcome = EraseOutcome.Ready;
        return named;
    }
}
