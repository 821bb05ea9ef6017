namespace Countersign.Comments;

/// <summary>
/// Whether a campaign takes comments, and whether a moderator reads each one before it shows
/// (pre-moderated) or may hide it after (post-moderated). Off by default: comments need someone to watch them.
/// </summary>
public static class CommentMode
{
    public const string Off = "off";
    public const string PreModerated = "pre-moderated";
    public const string PostModerated = "post-moderated";

    public const int MaxLength = 16;

    public static readonly IReadOnlyList<string> All = [Off, PreModerated, PostModerated];

    /// <summary>The state a comment takes once its email is confirmed.</summary>
    public static string StateOnConfirming(string mode, string? heldBecause) =>
        mode == PostModerated && heldBecause is null ? CommentState.Published : CommentState.Waiting;
}
