namespace Countersign.Comments;

/// <summary>A comment's states: its email not yet confirmed, waiting for a moderator, shown, or hidden by a moderator.</summary>
public static class CommentState
{
    public const string Pending = "pending";
    public const string Waiting = "waiting";
    public const string Published = "published";
    public const string Hidden = "hidden";

    public const int MaxLength = 16;
}
