using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Comments;

/// <summary>
/// A campaign's published comments for the public, newest first, a page at a time: the campaign page shows the first
/// page, and <c>/c/SLUG/comments?page=N</c> the older ones, so no comment is out of reach however many there are.
/// </summary>
public static class PublishedComments
{
    public const int PageSize = 200;

    /// <summary>The highest page number asked for that is worth a query; beyond it the offset would not even fit.</summary>
    public const int HighestPage = int.MaxValue / PageSize;

    /// <summary>Page <paramref name="page"/> (from 1) of the campaign's published comments, decrypted.</summary>
    public static async Task<CommentPage> PageAsync(CountersignDb db, CampaignKeys campaignKeys, int campaignId, int page, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(page, HighestPage);

        // One more than a page tells whether older ones follow, without counting them all.
        var rows = await db.Comments.AsNoTracking()
            .Where(c => c.CampaignId == campaignId && c.State == CommentState.Published)
            .OrderByDescending(c => c.PublishedAt).ThenByDescending(c => c.Id)
            .Skip((page - 1) * PageSize).Take(PageSize + 1)
            .Select(c => new { c.Id, c.NameCiphertext, c.TextCiphertext, c.PublishedAt })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            // No key is made for a campaign that has nothing to decrypt.
            return new CommentPage(page, [], HasOlder: false);
        }

        var cipher = await campaignKeys.ForCampaignAsync(campaignId, cancellationToken);
        var comments = rows.Take(PageSize)
            .Select(c => new VisibleComment(c.Id, cipher.DecryptString(c.NameCiphertext), cipher.DecryptString(c.TextCiphertext),
                DateTime.SpecifyKind(c.PublishedAt!.Value, DateTimeKind.Utc)))
            .ToList();
        return new CommentPage(page, comments, HasOlder: rows.Count > PageSize);
    }
}

/// <summary>One page of published comments, newest first, and whether older ones follow on the next.</summary>
public sealed record CommentPage(int Number, IReadOnlyList<VisibleComment> Comments, bool HasOlder);
