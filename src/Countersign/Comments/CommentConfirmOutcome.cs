namespace Countersign.Comments;

/// <summary>What a comment's confirmation link found.</summary>
public enum CommentConfirmOutcome
{
    Ready,
    Confirmed,
    Expired,

    /// <summary>The campaign stopped taking comments (closed, or comments switched off) before the link was opened.</summary>
    Closed,
    Unknown,
}
