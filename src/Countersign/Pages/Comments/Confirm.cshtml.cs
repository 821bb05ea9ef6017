using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Comments;

public enum CommentConfirmOutcome
{
    Ready,
    Confirmed,
    Expired,

    /// <summary>The campaign stopped taking comments (closed, or comments switched off) before the link was opened.</summary>
    Closed,
    Unknown,
}

/// <summary>
/// The page a comment's confirmation link opens. As for signatures, opening it changes nothing
/// (mail scanners follow links); the button confirms, and the comment then shows at once on a
/// post-moderated campaign, or waits for a moderator on a pre-moderated one.
/// </summary>
public sealed class ConfirmModel(CountersignDb db, CampaignCache campaigns, TimeProvider clock) : PageModel
{
    public CommentConfirmOutcome Outcome { get; private set; } = CommentConfirmOutcome.Unknown;
    public Campaign? Campaign { get; private set; }

    /// <summary>Where a confirmed comment stands (<see cref="CommentState"/>).</summary>
    public string? State { get; private set; }

    public async Task<IActionResult> OnGetAsync(string token, CancellationToken cancellationToken)
    {
        await InspectAsync(token, cancellationToken);
        return Shown();
    }

    public async Task<IActionResult> OnPostAsync(string token, CancellationToken cancellationToken)
    {
        var comment = await InspectAsync(token, cancellationToken);
        if (Outcome != CommentConfirmOutcome.Ready)
        {
            return Shown();
        }

        // The mode as it is now decides: a campaign switched to pre-moderation since the comment was
        // written has its moderators read it first.
        var now = clock.GetUtcNow().UtcDateTime;
        var state = CommentMode.StateOnConfirming(Campaign!.CommentMode, comment!.HeldBecause);
        DateTime? publishedAt = state == CommentState.Published ? now : null;
        await db.Comments.Where(c => c.Id == comment.Id && c.State == CommentState.Pending)
            .ExecuteUpdateAsync(c => c.SetProperty(x => x.State, state).SetProperty(x => x.ConfirmedAt, now).SetProperty(x => x.PublishedAt, publishedAt), cancellationToken);
        campaigns.Forget(Campaign.Slug);

        // Back to this link, which now says where the comment stands (a reload posts nothing twice).
        return Redirect($"/comments/confirm/{token}");
    }

    private IActionResult Shown()
    {
        Response.StatusCode = Outcome switch
        {
            CommentConfirmOutcome.Expired => StatusCodes.Status410Gone,
            CommentConfirmOutcome.Closed => StatusCodes.Status409Conflict,
            CommentConfirmOutcome.Unknown => StatusCodes.Status404NotFound,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }

    private async Task<Comment?> InspectAsync(string token, CancellationToken cancellationToken)
    {
        if (!ConfirmationToken.LooksValid(token))
        {
            return null;
        }

        var hash = ConfirmationToken.Hash(token);
        var comment = await db.Comments.AsNoTracking().FirstOrDefaultAsync(c => c.ConfirmationTokenHash == hash, cancellationToken);
        if (comment is null)
        {
            return null;
        }

        Campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == comment.CampaignId, cancellationToken);
        if (Campaign is null || !Campaign.IsPublic)
        {
            return null;
        }

        State = comment.State;
        Outcome = comment.State != CommentState.Pending ? CommentConfirmOutcome.Confirmed
            : comment.ConfirmationTokenExpiresAt < clock.GetUtcNow().UtcDateTime ? CommentConfirmOutcome.Expired
            : !Campaign.TakesComments ? CommentConfirmOutcome.Closed
            : CommentConfirmOutcome.Ready;
        return comment;
    }
}
