namespace Countersign.Campaigns;

/// <summary>
/// A campaign put before the moderators: its launch, or a change to what an open campaign asks of
/// whom (its demands, targets and hosts), which stays a proposal until approved so that nobody signs
/// an unreviewed demand. The content is kept as it was submitted: moderators decide on exactly that.
/// </summary>
public sealed class CampaignReview
{
    public long Id { get; set; }
    public int CampaignId { get; set; }
    public required string Kind { get; set; }

    /// <summary>The <see cref="CampaignContent"/> submitted, as JSON.</summary>
    public required string Content { get; set; }
    public DateTime SubmittedAt { get; set; }
    public int? SubmittedBy { get; set; }

    /// <summary>Null while waiting in the queue.</summary>
    public string? Decision { get; set; }
    public string? Reason { get; set; }
    public DateTime? DecidedAt { get; set; }
    public int? DecidedBy { get; set; }

    public CampaignContent Submitted => CampaignContent.FromJson(Content);
}

public static class ReviewKind
{
    public const string Launch = "launch";
    public const string Change = "change";
}

public static class ReviewDecision
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    /// <summary>A proposed change left undecided when its campaign stopped taking signatures.</summary>
    public const string Dropped = "dropped";
}
