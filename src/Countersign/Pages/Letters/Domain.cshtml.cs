using Countersign.Letters;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Letters;

/// <summary>
/// The page behind the link in a co-signer's emails after confirming (<see cref="CoSignatureLink.DomainProof"/>): the DNS TXT record
/// that proves the organisation's domain, and a button that checks it (<see cref="DomainProof"/>). Opening it changes
/// nothing; a check that finds the record goes back to the page, which then says the domain is verified.
/// </summary>
public sealed class DomainModel(DomainProof proof) : PageModel
{
    /// <summary>The co-signature the link names; null for a link we did not issue.</summary>
    public DomainProofSubject? Subject { get; private set; }

    /// <summary>What the check just made found, when this page answers the button.</summary>
    public DomainCheck? Check { get; private set; }

    /// <summary>The domain was proved by this page's button just now.</summary>
    public bool JustProved { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, bool proved, CancellationToken cancellationToken)
    {
        Subject = await proof.FindAsync(token, cancellationToken);
        JustProved = proved && Subject?.DnsVerifiedAt is not null;
        Response.StatusCode = Subject is null ? StatusCodes.Status404NotFound : StatusCodes.Status200OK;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        if (await proof.CheckAsync(token, cancellationToken) is not { } checkedNow)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }

        // Back to the page, which now says the domain is verified (a reload checks nothing twice).
        if (checkedNow.Check.Outcome == DomainCheckOutcome.Proved)
        {
            return RedirectToPage("/Letters/Domain", new { token, proved = true });
        }

        (Subject, Check) = checkedNow;
        Response.StatusCode = checkedNow.Check.Outcome switch
        {
            DomainCheckOutcome.TooSoon => StatusCodes.Status429TooManyRequests,
            DomainCheckOutcome.NotCheckable => StatusCodes.Status409Conflict,
            _ => StatusCodes.Status200OK,
        };
        if (checkedNow.Check.Outcome == DomainCheckOutcome.TooSoon)
        {
            Response.Headers.RetryAfter = ((int)Math.Ceiling(checkedNow.Check.Wait.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return Page();
    }
}
