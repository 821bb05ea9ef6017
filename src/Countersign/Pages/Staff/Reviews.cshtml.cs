using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Pages.Staff;

/// <summary>The moderators' queue: campaigns waiting to launch and changes waiting to apply, oldest first.</summary>
[Authorize(Policy = StaffPolicies.Moderate)]
public sealed class ReviewsModel(CountersignDb db) : PageModel
{
    public sealed record Waiting(long ReviewId, string Kind, int CampaignId, string Title, DateTime SubmittedAt, string? SubmittedBy);

    public IReadOnlyList<Waiting> Queue { get; private set; } = [];

    /// <summary>What the moderator just decided (set by the decision page before it sends them back here).</summary>
    [TempData]
    public string? Done { get; set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) =>
        Queue = await (
            from review in db.CampaignReviews.AsNoTracking()
            where review.Decision == null
            join campaign in db.Campaigns on review.CampaignId equals campaign.Id
            join staff in db.StaffUsers on review.SubmittedBy equals staff.Id into submitters
            from submitter in submitters.DefaultIfEmpty()
            orderby review.SubmittedAt, review.Id
            select new Waiting(review.Id, review.Kind, campaign.Id, campaign.Title, review.SubmittedAt, submitter == null ? null : submitter.Email))
            .ToListAsync(cancellationToken);
}
