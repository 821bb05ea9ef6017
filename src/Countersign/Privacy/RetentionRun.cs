namespace Countersign.Privacy;

/// <summary>One pass of the retention job, kept so staff can see what was erased and when (counts only, never whose).</summary>
public sealed class RetentionRun
{
    public long Id { get; set; }
    public DateTime RanAt { get; set; }

    /// <summary>Signatures never confirmed within <see cref="RetentionOptions.PendingDays"/>, erased.</summary>
    public int PendingErased { get; set; }

    /// <summary>Campaigns whose signers' personal data was crypto-shredded, <see cref="RetentionOptions.EndedCampaignMonths"/> after they ended.</summary>
    public int CampaignsErased { get; set; }

    /// <summary>Comments whose email was never confirmed within <see cref="RetentionOptions.PendingDays"/>, deleted.</summary>
    public int PendingCommentsErased { get; set; }
}
