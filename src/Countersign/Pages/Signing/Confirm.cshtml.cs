using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Signing;

public enum ConfirmOutcome
{
    Ready,
    AlreadyConfirmed,
    Expired,
    Unknown,
}

/// <summary>
/// The page a confirmation link opens. Opening it changes nothing: mail scanners follow links,
/// so only the button (a POST) confirms.
/// </summary>
public sealed class ConfirmModel(CountersignDb db, SignatureIntake intake, SponsorJob sponsors, TimeProvider clock) : PageModel
{
    private static readonly Func<Signature, bool> CountsNow = Signature.Counts.Compile();

    /// <summary>The intake queue was full: the page asks the signer to press the button again.</summary>
    public bool Busy { get; private set; }

    public ConfirmOutcome Outcome { get; private set; } = ConfirmOutcome.Unknown;
    public Campaign? Campaign { get; private set; }

    /// <summary>
    /// Whether the confirmed signature counts; one held for a moderator's check (a rate limit) or set aside does not, and
    /// the page says it will appear once checked, never why: the reason would tell a flooder which limit it reached.
    /// </summary>
    public bool Counts { get; private set; }

    /// <summary>Where "back to the campaign" leads: its sponsor link while it is not public yet.</summary>
    public string CampaignPath => Url.Page("/Campaigns/Show", new { slug = Campaign!.Slug, sponsorToken = Campaign.IsPublic ? "" : Campaign.SponsorToken ?? "" })!;

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        await InspectAsync(token, cancellationToken);
        return Shown();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        var signature = await InspectAsync(token, cancellationToken);
        if (Outcome != ConfirmOutcome.Ready)
        {
            return Shown();
        }

        try
        {
            await intake.ConfirmAsync(new ConfirmRequest(signature!.Id));
        }
        catch (IntakeBusyException)
        {
            Busy = true;
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            Response.Headers.RetryAfter = IntakeBusyException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Page();
        }

        if (Campaign!.State == CampaignState.Sponsoring)
        {
            // The confirmation that completes the supporting signatures sends the campaign to the moderators at once.
            await sponsors.SendToReviewSoonAsync(Campaign.Id);
        }

        // The thanks page answers at two addresses: the public one, and the sponsor link's while the campaign is not public.
        // It says "now counts" unless told otherwise.
        var counts = await db.Signatures.Where(s => s.Id == signature.Id).AnyAsync(Signature.Counts, cancellationToken);
        return RedirectToPage("/Signing/Thanks", new { slug = Campaign.Slug, sponsorToken = Campaign.IsPublic ? "" : Campaign.SponsorToken, counted = counts ? (bool?)null : false });
    }

    private IActionResult Shown()
    {
        Response.StatusCode = Outcome switch
        {
            ConfirmOutcome.Expired => StatusCodes.Status410Gone,
            ConfirmOutcome.Unknown => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }

    private async Task<Signature?> InspectAsync(string token, CancellationToken cancellationToken)
    {
        if (!ConfirmationToken.LooksValid(token))
        {
            return null;
        }

        var hash = ConfirmationToken.Hash(token);
        var signature = await db.Signatures.AsNoTracking().FirstOrDefaultAsync(s => s.ConfirmationTokenHash == hash, cancellationToken);
        if (signature is null || signature.State is not (SignatureState.Pending or SignatureState.Confirmed))
        {
            return null;
        }

        Campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == signature.CampaignId, cancellationToken);
        if (Campaign is null || !(Campaign.IsPublic || Campaign.AcceptsConfirmations))
        {
            return null;
        }

        Counts = CountsNow(signature);
        Outcome = signature.State == SignatureState.Confirmed ? ConfirmOutcome.AlreadyConfirmed
            : signature.ConfirmationTokenExpiresAt < clock.GetUtcNow().UtcDateTime ? ConfirmOutcome.Expired
            : !Campaign.AcceptsConfirmations ? ConfirmOutcome.Unknown
            : ConfirmOutcome.Ready;
        return signature;
    }
}
