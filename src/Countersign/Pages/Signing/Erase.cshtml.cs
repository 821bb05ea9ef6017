using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
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
/// scanners follow links); the button erases the signature and everything personal about it. A
/// comment's confirmation email carries the same link, so someone who commented without signing
/// can delete their comments too.
/// </summary>
public sealed class EraseModel(CountersignDb db, PersonalDataProtector protector, CampaignCache campaigns, OutboxFolder outboxFolder) : PageModel
{
    public EraseOutcome Outcome { get; private set; } = EraseOutcome.Unknown;
    public Campaign? Campaign { get; private set; }

    /// <summary>Whether the link's address signed the campaign, or only commented on it.</summary>
    public bool HasSignature { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        await InspectAsync(token, cancellationToken);
        return Shown();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        if (await InspectAsync(token, cancellationToken) is { } named)
        {
            // False only when there was no signature, or it went a moment ago: either way nothing is left.
            await Erasure.EraseAsync(db, outboxFolder, named.CampaignId, named.EmailKey, cancellationToken);
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

    /// <summary>The signature (or comments) the link names, when the link is genuine and something is left to erase.</summary>
    private async Task<(int CampaignId, byte[] EmailKey)?> InspectAsync(string token, CancellationToken cancellationToken)
    {
        if (EraseLink.Read(protector, token) is not { } named)
        {
            return null;
        }

        var (campaignId, emailKey) = named;
        HasSignature = await db.Signatures.AnyAsync(s => s.CampaignId == campaignId && s.EmailKey == emailKey && s.State != SignatureState.Erased, cancellationToken);
        if (!HasSignature && !await db.Comments.AnyAsync(c => c.CampaignId == campaignId && c.EmailKey == emailKey, cancellationToken))
        {
            return null;
        }

        Campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        Outcome = EraseOutcome.Ready;
        return named;
    }
}
