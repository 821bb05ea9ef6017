using System.Globalization;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Privacy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Comments;

/// <summary>
/// Every published comment on a campaign, a page at a time, newest first: the campaign page lists only the first page.
/// </summary>
public sealed class ListModel(CountersignDb db, CampaignCache campaigns, CampaignKeys campaignKeys, IStringLocalizer<SharedResource> t) : PageModel
{
    public Campaign Campaign { get; private set; } = null!;
    public CommentPage Comments { get; private set; } = new(1, [], HasOlder: false);

    /// <summary>Why the page asked for cannot be shown, in words for the reader; null when it can.</summary>
    public string? Problem { get; private set; }

    // "page" is also Razor Pages' own route value (this page's name), hence the explicit source.
    public async Task<IActionResult> OnGetAsync(string slug, [FromQuery(Name = "page")] string? pageNumber, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached is null || !cached.Campaign.ShowsComments)
        {
            return NotFound();
        }

        Campaign = cached.Campaign;
        if (pageNumber is null)
        {
            Comments = cached.LatestComments;
            return Page();
        }

        if (!int.TryParse(pageNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var number) || number is < 1 or > PublishedComments.HighestPage)
        {
            return Refused(StatusCodes.Status400BadRequest, t["The page number must be a whole number from 1 up, such as 2."]);
        }

        Comments = number == 1 ? cached.LatestComments : await PublishedComments.PageAsync(db, campaignKeys, Campaign.Id, number, cancellationToken);
        if (Comments.Comments.Count == 0 && number > 1)
        {
            return Refused(StatusCodes.Status404NotFound, t["There are no comments on page {0}: this campaign's comments end before it.", number]);
        }

        return Page();
    }

    private PageResult Refused(int status, string problem)
    {
        Problem = problem;
        Response.StatusCode = status;
        return Page();
    }
}
