using System.Net;
using Countersign.Campaigns;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>The staff pages' lifecycle buttons, pressed the way a browser would, for tests that need a campaign moved along.</summary>
public static class LifecycleSteps
{
    /// <summary>Saves the campaign form with the campaign's own values except those given.</summary>
    public static async Task<HttpResponseMessage> SaveAsync(HttpClient staff, Campaign campaign, string? demands = null, string? body = null, string? slug = null,
        string? reason = null, string? milestones = null, string? commentMode = null, string? language = null) =>
        await FormFiller.PostAsync(staff, $"/staff/campaigns/{campaign.Id}",
        [
            new("Input.Title", campaign.Title), new("Input.Slug", slug ?? campaign.Slug), new("Input.Summary", campaign.Summary),
            new("Input.Body", body ?? campaign.BodyMarkdown), new("Input.Demands", demands ?? string.Join('\n', campaign.Demands)),
            new("Input.Targets", string.Join('\n', campaign.Targets)), new("Input.Hosts", string.Join('\n', campaign.Hosts.Select(h => h.Name))),
            new("Input.Goal", campaign.Goal.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new("Input.Deadline", campaign.Deadline?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? ""),
            new("Input.ChangeReason", reason ?? ""), new("Input.Milestones", milestones ?? string.Join(", ", campaign.Milestones)),
            .. commentMode is null ? Array.Empty<KeyValuePair<string, string>>() : [new("Input.CommentMode", commentMode)],
            .. language is null ? Array.Empty<KeyValuePair<string, string>>() : [new("Input.Language", language)],
        ]);

    /// <summary>Presses a status button and, for a move that cannot be undone, the button of the page that asks to confirm it.</summary>
    public static async Task<HttpResponseMessage> PostMoveAsync(HttpClient staff, int campaignId, string to) =>
        await FormFiller.PostAsync(staff, $"/staff/campaigns/{campaignId}?handler=Move", [new("to", to), new("confirmed", "true")]);

    public static async Task MoveAsync(HttpClient staff, int campaignId, string to)
    {
        var response = await PostMoveAsync(staff, campaignId, to);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    /// <summary>The id of the review waiting in the queue for the campaign.</summary>
    public static async Task<long> WaitingReviewAsync(TestSite site, int campaignId) =>
        await site.QueryAsync(db => db.CampaignReviews.Where(r => r.CampaignId == campaignId && r.Decision == null).Select(r => r.Id).SingleAsync());

    public static async Task<HttpResponseMessage> PostDecisionAsync(HttpClient moderator, long reviewId, bool approve, string reason = "") =>
        await FormFiller.PostAsync(moderator, $"/staff/reviews/{reviewId}?handler={(approve ? "Approve" : "Reject")}", approve ? [] : [new("Reason", reason)]);

    public static async Task DecideAsync(HttpClient moderator, long reviewId, bool approve, string reason = "")
    {
        var response = await PostDecisionAsync(moderator, reviewId, approve, reason);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/staff/reviews", response.Headers.Location?.OriginalString);
    }
}
