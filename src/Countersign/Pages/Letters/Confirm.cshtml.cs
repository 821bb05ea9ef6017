using Countersign.Letters;
using Countersign.Privacy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Letters;

/// <summary>
/// The page a co-signature's confirmation link opens. As for signatures, opening it changes nothing (mail scanners
/// follow links); the button confirms the contact's address, and the co-signature goes to the organisers.
/// </summary>
public sealed class ConfirmModel(LetterIntake intake, PersonalDataProtector protector) : PageModel
{
    public CoSignLink Link { get; private set; } = new(CoSignLinkOutcome.Unknown);

    /// <summary>Once the address is confirmed, the link to the page where the organisation can prove its domain by DNS.</summary>
    public string? DomainProofToken { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken) =>
        Shown(await intake.LookUpConfirmationAsync(token, cancellationToken));

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        var (confirmed, link) = await intake.ConfirmAsync(token, cancellationToken);

        // Back to this link, which now says where the signature stands (a reload posts nothing twice).
        return confirmed ? RedirectToPage("/Letters/Confirm", new { token }) : Shown(link);
    }

    private PageResult Shown(CoSignLink link)
    {
        Link = link;
        if (link is { Outcome: CoSignLinkOutcome.Done, CoSignatureId: { } id } && CoSignatureState.DomainCheckable.Contains(link.State))
        {
            DomainProofToken = CoSignatureLink.DomainProof.Create(protector, id);
        }

        Response.StatusCode = LinkStatus.Of(link.Outcome);
        return Page();
    }
}

/// <summary>The HTTP status a link's page answers with: what it found, for clients that read only that.</summary>
public static class LinkStatus
{
    public static int Of(CoSignLinkOutcome outcome) => outcome switch
    {
        CoSignLinkOutcome.Expired => StatusCodes.Status410Gone,
        CoSignLinkOutcome.Closed => StatusCodes.Status409Conflict,
        CoSignLinkOutcome.Unknown => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status200OK,
    };
}
