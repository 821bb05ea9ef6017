using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Comments;

/// <summary>Moderators' decisions on comments, on a real database without a web host: the moves, their refusals, their audit entries.</summary>
public abstract class CommentModerationTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const int ModeratorId = 41;

    private static readonly ClaimsPrincipal Moderator = StaffMember(ModeratorId);

    private TestDatabase Database { get; set; } = null!;

    private Campaign Campaign { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(provider);
        Campaign = await Database.AddCampaignAsync();
        await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == Campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, CommentMode.PreModerated)));
        Campaign.CommentMode = CommentMode.PreModerated;
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    private static ClaimsPrincipal StaffMember(int id) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id.ToString(CultureInfo.InvariantCulture))], "test"));

    /// <summary>Stores a confirmed comment (or a pending one) in <paramref name="state"/>, as the intake and confirmation would have left it.</summary>
    private async Task<Comment> AddCommentAsync(string state, string text = "Nobody asked us about these cameras.", Campaign? campaign = null)
    {
        campaign ??= Campaign;
        var cipher = await Database.Get<CampaignKeys>().ForCampaignAsync(campaign.Id);
        var comment = TestComments.Make(cipher, campaign.Id, state, Database.Clock.GetUtcNow().UtcDateTime, text);
        await Database.WithDbAsync(db =>
        {
            db.Comments.Add(comment);
            return db.SaveChangesAsync();
        });
        return comment;
    }

    private async Task<ModerationOutcome> DecideAsync(long commentId, CommentDecision decision, string? reason = null, ClaimsPrincipal? moderator = null)
    {
        await using var scope = Database.Scope();
        return await scope.ServiceProvider.GetRequiredService<CommentModeration>().DecideAsync(Campaign, commentId, decision, reason, moderator ?? Moderator, CancellationToken.None);
    }

    private Task<Comment> StoredAsync(long commentId) => Database.WithDbAsync(db => db.Comments.AsNoTracking().SingleAsync(c => c.Id == commentId));

    private Task<List<AuditEntry>> AuditAsync() => Database.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Id).ToListAsync());

    /// <summary>The texts of the comments the campaign page shows, as its cache holds them.</summary>
    private async Task<List<string>> ShownAsync()
    {
        await using var scope = Database.Scope();
        var cached = await Database.Get<CampaignCache>().FindPublicAsync(scope.ServiceProvider.GetRequiredService<CountersignDb>(), Campaign.Slug, CancellationToken.None);
        return [.. cached!.Comments.Select(c => c.Text)];
    }

    [Fact]
    public async Task Should_publish_a_waiting_comment_with_its_audit_entry_and_show_it_on_the_campaign_page_at_once()
    {
        var comment = await AddCommentAsync(CommentState.Waiting);
        Assert.Empty(await ShownAsync());

        var outcome = await DecideAsync(comment.Id, CommentDecision.Publish, reason: "ignored: publishing needs none");

        Assert.Equal((ModerationResult.Done, "The comment is published."), (outcome.Result, outcome.Message));
        var stored = await StoredAsync(comment.Id);
        Assert.Equal((CommentState.Published, (int?)ModeratorId, (string?)null), (stored.State, stored.ModeratedBy, stored.ModerationReason));
        Assert.NotNull(stored.PublishedAt);
        var entry = Assert.Single(await AuditAsync());
        Assert.Equal((AuditAction.CommentPublished, (int?)Campaign.Id, (int?)ModeratorId, $"Comment {comment.Id}"), (entry.Action, entry.CampaignId, entry.StaffUserId, entry.Details));

        // The cached page forgot its comments when the decision committed.
        Assert.Equal(["Nobody asked us about these cameras."], await ShownAsync());
    }

    [Fact]
    public async Task Should_hide_and_restore_a_comment_with_a_reason_keeping_its_first_publication_date()
    {
        var comment = await AddCommentAsync(CommentState.Published);
        var firstPublished = (await StoredAsync(comment.Id)).PublishedAt;
        Database.Clock.Advance(TimeSpan.FromHours(1));

        Assert.Equal((ModerationResult.Done, "The comment is hidden."), await ResultAsync(DecideAsync(comment.Id, CommentDecision.Hide, "  Spam link ")));
        Assert.Equal((CommentState.Hidden, "Spam link"), await StateAndReasonAsync(comment.Id));
        Assert.Empty(await ShownAsync());

        Assert.Equal((ModerationResult.Done, "The comment is published."), await ResultAsync(DecideAsync(comment.Id, CommentDecision.Restore, "The council's own report")));
        Assert.Equal((CommentState.Published, "The council's own report"), await StateAndReasonAsync(comment.Id));
        Assert.Equal(firstPublished, (await StoredAsync(comment.Id)).PublishedAt);

        Assert.Equal(
            [(AuditAction.CommentHidden, $"Comment {comment.Id}: Spam link"), (AuditAction.CommentRestored, $"Comment {comment.Id}: The council's own report")],
            (await AuditAsync()).Select(e => (e.Action, e.Details!)));
    }

    [Fact]
    public async Task Should_refuse_a_hide_or_restore_without_a_reason_or_with_one_too_long_and_change_nothing()
    {
        var comment = await AddCommentAsync(CommentState.Published);

        Assert.Equal((ModerationResult.ReasonProblem, "Give a reason: it is kept in the audit log."), await ResultAsync(DecideAsync(comment.Id, CommentDecision.Hide, "  ")));
        Assert.Equal((ModerationResult.ReasonProblem, "The reason must be 500 characters or fewer."),
            await ResultAsync(DecideAsync(comment.Id, CommentDecision.Hide, new string('r', Comment.ReasonMaxLength + 1))));

        // A publish needs no reason, but one given is held to the same length.
        var waiting = await AddCommentAsync(CommentState.Waiting);
        Assert.Equal(ModerationResult.ReasonProblem, (await DecideAsync(waiting.Id, CommentDecision.Publish, new string('r', Comment.ReasonMaxLength + 1))).Result);

        Assert.Equal(CommentState.Published, (await StoredAsync(comment.Id)).State);
        Assert.Equal(CommentState.Waiting, (await StoredAsync(waiting.Id)).State);
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task Should_know_no_comment_still_pending_or_of_another_campaign()
    {
        var pending = await AddCommentAsync(CommentState.Pending);
        var elsewhere = await AddCommentAsync(CommentState.Waiting, campaign: await Database.AddCampaignAsync("another-campaign"));

        foreach (var id in new[] { pending.Id, elsewhere.Id, elsewhere.Id + 1000 })
        {
            Assert.Equal((ModerationResult.NoSuchComment, "This campaign has no such comment."), await ResultAsync(DecideAsync(id, CommentDecision.Publish)));
        }

        Assert.Equal(CommentState.Pending, (await StoredAsync(pending.Id)).State);
        Assert.Equal(CommentState.Waiting, (await StoredAsync(elsewhere.Id)).State);
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task Should_refuse_a_move_from_a_state_the_comment_is_not_in()
    {
        var published = await AddCommentAsync(CommentState.Published);

        var again = await DecideAsync(published.Id, CommentDecision.Publish);
        var restore = await DecideAsync(published.Id, CommentDecision.Restore, "Not hidden at all");

        Assert.Equal(ModerationResult.Changed, again.Result);
        Assert.StartsWith("This comment changed while you were deciding", again.Message, StringComparison.Ordinal);
        Assert.Equal(ModerationResult.Changed, restore.Result);
        Assert.Equal((CommentState.Published, (int?)null), ((await StoredAsync(published.Id)).State, (await StoredAsync(published.Id)).ModeratedBy));
        Assert.Empty(await AuditAsync());
    }

    [Fact]
    public async Task Should_let_only_one_of_two_moderators_deciding_the_same_comment_at_once_succeed()
    {
        var comment = await AddCommentAsync(CommentState.Waiting);

        var outcomes = await Task.WhenAll(
            Task.Run(() => DecideAsync(comment.Id, CommentDecision.Publish, moderator: StaffMember(ModeratorId))),
            Task.Run(() => DecideAsync(comment.Id, CommentDecision.Publish, moderator: StaffMember(ModeratorId + 1))));

        Assert.Equal([ModerationResult.Done, ModerationResult.Changed], outcomes.Select(o => o.Result).Order());
        var entry = Assert.Single(await AuditAsync());
        Assert.Equal(entry.StaffUserId, (await StoredAsync(comment.Id)).ModeratedBy);
    }

    private static async Task<(ModerationResult, string)> ResultAsync(Task<ModerationOutcome> decision)
    {
        var outcome = await decision;
        return (outcome.Result, outcome.Message);
    }

    private async Task<(string, string?)> StateAndReasonAsync(long commentId)
    {
        var stored = await StoredAsync(commentId);
        return (stored.State, stored.ModerationReason);
    }
}

public sealed class CommentModerationOnSqlite() : CommentModerationTests(DatabaseProvider.Sqlite);

public sealed class CommentModerationOnPostgres() : CommentModerationTests(DatabaseProvider.Postgres);
