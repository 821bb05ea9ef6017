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

    /// <summary>The campaign put before the moderators to launch, as it reads now, which is what they decide on.</summary>
    public static CampaignReview ForLaunch(Campaign campaign, DateTime now, int? submittedBy) => new()
    {
        CampaignId = campaign.Id,
        Kind = ReviewKind.Launch,
        Content = CampaignContent.Of(campaign).ToJson(),
        SubmittedAt = now,
        SubmittedBy = submittedBy,
    };

    /// <summary>A change an open campaign's organisers propose to its asks, with the whole page it would make.</summary>
    public static CampaignReview ForChange(Campaign campaign, CampaignContent proposal, DateTime now, int? submittedBy) => new()
    {
        CampaignId = campaign.Id,
        Kind = ReviewKind.Change,
        Content = proposal.ToJson(),
        SubmittedAt = now,
        SubmittedBy = submittedBy,
    };

    /// <summary>The proposed change is left undecided for good: its campaign stopped taking signatures.</summary>
    public void Drop(DateTime now)
    {
        Decision = ReviewDecision.Dropped;
        DecidedAt = now;
    }
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
