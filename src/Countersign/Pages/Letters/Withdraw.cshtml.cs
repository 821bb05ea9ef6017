using Countersign.Letters;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Letters;

/// <summary>
/// The page the withdrawal link in a co-signer's emails opens: it names the signature and offers a button, since
/// opening a link must change nothing; the button withdraws it from the letter at once (<see cref="LetterIntake"/>).
/// </summary>
public sealed class WithdrawModel(LetterIntake intake) : PageModel
{
    public CoSignLink Link { get; private set; } = new(CoSignLinkOutcome.Unknown);

    /// <summary>The signature was withdrawn by this page's button just now.</summary>
    public bool JustWithdrawn { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, bool done, CancellationToken cancellationToken)
    {
        JustWithdrawn = done;
        return Shown(await intake.LookUpWithdrawalAsync(token, cancellationToken));
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        var (withdrawn, link) = await intake.WithdrawAsync(token, cancellationToken);
        return withdrawn ? RedirectToPage("/Letters/Withdraw", new { token, done = true }) : Shown(link);
    }

    private PageResult Shown(CoSignLink link)
    {
        Link = link;
        Response.StatusCode = LinkStatus.Of(link.Outcome);
        return Page();
    }
}
