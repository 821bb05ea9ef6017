namespace Countersign.Campaigns;

/// <summary>Campaign states as named constants, the moves between them, and the groups pages ask about.</summary>
public static class CampaignState
{
    public const string Draft = "draft";
    public const string Sponsoring = "sponsoring";
    public const string InReview = "in-review";
    public const string Rejected = "rejected";
    public const string Open = "open";
    public const string Closed = "closed";
    public const string Delivered = "delivered";
    public const string Withdrawn = "withdrawn";

    public const int MaxLength = 16;
    public const int ReasonMaxLength = 1_000;

    public static readonly IReadOnlyList<string> All = [Draft, Sponsoring, InReview, Rejected, Open, Closed, Delivered, Withdrawn];

    /// <summary>States in which the campaign page and its JSON are visible to everyone.</summary>
    public static readonly IReadOnlyList<string> Public = [Open, Closed, Delivered];

    /// <summary>States in which no more signatures come: the clock of signers' data retention runs.</summary>
    public static readonly IReadOnlyList<string> Ended = [Closed, Delivered, Withdrawn];

    private static readonly Dictionary<string, string[]> Moves = new()
    {
        [Draft] = [InReview, Sponsoring, Withdrawn],
        [Rejected] = [InReview, Sponsoring, Withdrawn],

        // Countersign moves it on by itself once enough supporters have confirmed (EndSponsoring).
        [Sponsoring] = [InReview, Withdrawn],
        [InReview] = [Open, Rejected, Withdrawn],
        [Open] = [Closed, Withdrawn],
        [Closed] = [Delivered],
        [Delivered] = [],
        [Withdrawn] = [],
    };

    public static bool CanMove(string from, string to) => Moves.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>The shortest walk of moves from a new draft to the state, for demo data and tests.</summary>
    public static IReadOnlyList<string> PathFromDraft(string state)
    {
        var cameFrom = new Dictionary<string, string> { [Draft] = Draft };
        var queue = new Queue<string>([Draft]);
        while (queue.TryDequeue(out var current) && !cameFrom.ContainsKey(state))
        {
            foreach (var next in NextFrom(current).Where(next => cameFrom.TryAdd(next, current)))
            {
                queue.Enqueue(next);
            }
        }

        var path = new List<string>();
        for (var step = state; step != Draft; step = cameFrom[step])
        {
            path.Insert(0, step);
        }

        return path;
    }

    /// <summary>The states a campaign may move to from here, in the order forms offer them.</summary>
    public static IReadOnlyList<string> NextFrom(string from) => Moves.TryGetValue(from, out var next) ? next : [];
}
