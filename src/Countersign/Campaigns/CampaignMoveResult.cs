namespace Countersign.Campaigns;

/// <summary>
/// What came of a move asked of <see cref="CampaignLifecycle"/>: made, not allowed (with the reason, which the
/// page words), refused for problems with the form's fields, or lost to someone who moved the campaign at the same moment.
/// </summary>
public sealed record CampaignMoveResult(MoveOutcome Outcome, MoveRefusal Refusal = MoveRefusal.None)
{
    public static CampaignMoveResult Moved { get; } = new(MoveOutcome.Moved);
    public static CampaignMoveResult Conflict { get; } = new(MoveOutcome.Conflict);

    /// <summary>Problems by field, as untranslated messages (as <see cref="CampaignInput.Validate"/> gives them).</summary>
    public IReadOnlyDictionary<string, string> Problems { get; init; } = new Dictionary<string, string>();

    /// <summary>A saved edit of an open campaign sent its change to the asks to the moderators.</summary>
    public bool ChangeProposed { get; init; }

    public static CampaignMoveResult NotAllowed(MoveRefusal refusal) => new(MoveOutcome.NotAllowed, refusal);

    public static CampaignMoveResult Invalid(IReadOnlyDictionary<string, string> problems) => new(MoveOutcome.Invalid) { Problems = problems };
}

public enum MoveOutcome
{
    Moved,
    NotAllowed,
    Invalid,
    Conflict,
}

/// <summary>Why the campaign's rules do not allow the move.</summary>
public enum MoveRefusal
{
    None,

    /// <summary>Not one of the moves organisers make (approving and rejecting are the moderators').</summary>
    NotAnOrganiserMove,

    /// <summary>Sent for review while it gathers supporting signatures: it goes by itself once it has them.</summary>
    WaitsForSponsors,

    /// <summary>The campaign's state does not allow this move (closing a draft, delivering an open campaign).</summary>
    NotFromThisState,

    /// <summary>The campaign has made this move already: a confirmation sent twice, or someone else was quicker.</summary>
    AlreadyDone,

    /// <summary>Edited while the moderators review it.</summary>
    WaitingForReview,

    /// <summary>Edited while its supporters sign the text they read.</summary>
    GatheringSponsors,

    /// <summary>An outcome for a campaign that was never published.</summary>
    NotPublished,

    /// <summary>The review was decided already, perhaps by another moderator a moment ago.</summary>
    AlreadyDecided,

    /// <summary>A launch decided after its organisers withdrew the campaign.</summary>
    NoLongerInReview,
}
