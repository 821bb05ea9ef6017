using Countersign.Campaigns;
using Countersign.Comments;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Comments;

/// <summary>
/// The page a comment's confirmation link opens. As for signatures, opening it changes nothing
/// (mail scanners follow links); the button confirms, and the comment then shows at once on a
/// post-moderated campaign, or waits for a moderator on a pre-moderated one (<see cref="CommentIntake"/>).
/// </summary>
public sealed class ConfirmModel(CommentIntake comments) : PageModel
{
    public CommentConfirmOutcome Outcome { get; private set; } = CommentConfirmOutcome.Unknown;
    public Campaign? Campaign { get; private set; }

    /// <summary>Where a confirmed comment stands (<see cref="CommentState"/>).</summary>
    public string? State { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken) =>
        Shown(await comments.LookUpAsync(token, cancellationToken));

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        var (confirmed, link) = await comments.ConfirmAsync(token, cancellationToken);
        if (!confirmed)
        {
            return Shown(link);
        }

        // Back to this link, which now says where the comment stands (a reload posts nothing twice).
        return RedirectToPage("/Comments/Confirm", new { token });
    }

    private PageResult Shown(CommentLink link)
    {
        (Outcome, Campaign, State) = (link.Outcome, link.Campaign, link.State);
        Response.StatusCode = Outcome switch
        {
            CommentConfirmOutcome.Expired => StatusCodes.Status410Gone,
            CommentConfirmOutcome.Closed => StatusCodes.Status409Conflict,
            CommentConfirmOutcome.Unknown => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }
}
