namespace Countersign.Privacy;

/// <summary><c>Retention:*</c>: how long personal data is kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>A signature not confirmed within this many days is erased (its link expired after 7).</summary>
    public int PendingDays { get; set; } = 7;

    /// <summary>
    /// Months after a campaign's delivery (or its closing, when it was never delivered) at which
    /// its signers' personal data is crypto-shredded; the counts stay.
    /// </summary>
    public int EndedCampaignMonths { get; set; } = 6;

    /// <summary>How often a pass runs after the one at start; 0 runs only the one at start.</summary>
    public int CheckEveryMinutes { get; set; } = 60;
}
