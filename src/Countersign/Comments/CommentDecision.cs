namespace Countersign.Comments;

/// <summary>
/// A moderator's decision on a comment: the states it moves a comment from, the state it moves it to,
/// what the audit log calls it, and whether it needs a reason (a hide or a restore does).
/// </summary>
public sealed record CommentDecision(string[] From, string To, string AuditAction, bool NeedsReason)
{
    public static readonly CommentDecision Publish = new([CommentState.Waiting], CommentState.Published, Staff.AuditAction.CommentPublished, NeedsReason: false);

    public static readonly CommentDecision Hide = new([CommentState.Waiting, CommentState.Published], CommentState.Hidden, Staff.AuditAction.CommentHidden, NeedsReason: true);

    public static readonly CommentDecision Restore = new([CommentState.Hidden], CommentState.Published, Staff.AuditAction.CommentRestored, NeedsReason: true);
}
