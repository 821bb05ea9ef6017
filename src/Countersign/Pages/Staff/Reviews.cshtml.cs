using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>The moderators' queue: campaigns waiting to launch and changes waiting to apply, oldest first, and the campaigns with comments waiting.</summary>
[Authorize(Policy = StaffPolicies.Moderate)]
public sealed class ReviewsModel(CountersignDb db) : PageModel
{
    public sealed record Waiting(long ReviewId, string Kind, int CampaignId, string Title, DateTime SubmittedAt, string? SubmittedBy);

    public sealed record CommentsWaiting(int CampaignId, string Title, int Count, DateTime? Oldest);

    public IReadOnlyList<Waiting> Queue { get; private set; } = [];
    public IReadOnlyList<CommentsWaiting> Comments { get; private set; } = [];

    /// <summary>What the moderator just decided (set by the decision page before it sends them back here).</summary>
    [TempData]
    public string? Done { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        Queue = await (
            from review in db.CampaignReviews.AsNoTracking()
            where review.Decision == null
            join campaign in db.Campaigns on review.CampaignId equals campaign.Id
            join staff in db.StaffUsers on review.SubmittedBy equals staff.Id into submitters
            from submitter in submitters.DefaultIfEmpty()
            orderby review.SubmittedAt, review.Id
            select new Waiting(review.Id, review.Kind, campaign.Id, campaign.Title, review.SubmittedAt, submitter == null ? null : submitter.Email))
            .ToListAsync(cancellationToken);
        var comments = await db.Comments.AsNoTracking().Where(c => c.State == CommentState.Waiting)
            .GroupBy(c => c.CampaignId)
            .Select(g => new { CampaignId = g.Key, Count = g.Count(), Oldest = g.Min(c => c.ConfirmedAt) })
            .ToListAsync(cancellationToken);
        var ids = comments.Select(c => c.CampaignId).ToList();
        var titles = await db.Campaigns.AsNoTracking().Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Title, cancellationToken);
        Comments = comments.OrderBy(c => c.Oldest).Select(c => new CommentsWaiting(c.CampaignId, titles.GetValueOrDefault(c.CampaignId) ?? "", c.Count, c.Oldest)).ToList();
    }
}
