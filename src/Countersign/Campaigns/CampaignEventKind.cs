namespace Countersign.Campaigns;

public static class CampaignEventKind
{
    public const string Milestone = "milestone";
    public const string TargetResponded = "target-responded";
    public const string News = "news";
    public const string Action = "action";

    public const int MaxLength = 24;

    /// <summary>The kinds organisers add by hand; milestones are Countersign's.</summary>
    public static readonly IReadOnlyList<string> Added = [TargetResponded, News, Action];
}
