namespace Countersign.Pages.Campaigns;

/// <summary>Why a sponsor link shows no campaign.</summary>
public enum SponsorLinkProblem
{
    /// <summary>No campaign has this link: mistyped, cut short, or made up.</summary>
    Unknown,

    /// <summary>The campaign has its supporting signatures and waits for a moderator.</summary>
    WaitingForReview,

    /// <summary>A moderator sent it back: its organisers are mending it, and the link works again once they send it on.</summary>
    BeingChanged,

    Withdrawn,
}
