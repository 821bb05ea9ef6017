namespace Countersign.Campaigns;

/// <summary>
/// What one of the organisers' irreversible moves (<see cref="CampaignLifecycle.ConfirmedMoves"/>) would do to the
/// campaign as it stands, for the page where they confirm it: the page states each consequence that applies.
/// </summary>
/// <param name="To">The state the campaign would move to.</param>
/// <param name="StopsSignatures">It takes signatures now (openly, or from supporters through its sponsor link), and would stop.</param>
/// <param name="ConfirmedSignatures">Its count now, which stays as it is.</param>
/// <param name="UnconfirmedSignatures">People who signed and have not confirmed yet: their links would stop counting.</param>
/// <param name="ClosesComments">Its comment form is open now, and would close (published comments stay).</param>
/// <param name="DropsPendingChange">A change to its asks is waiting for review, and would be dropped.</param>
/// <param name="StaysPublic">Its page stays readable afterwards (it was published).</param>
/// <param name="ErasedAfterMonths">Months after the move at which its signers' personal data is erased (counts stay); null when it holds none.</param>
public sealed record MoveConsequences(
    string To,
    bool StopsSignatures,
    int ConfirmedSignatures,
    int UnconfirmedSignatures,
    bool ClosesComments,
    bool DropsPendingChange,
    bool StaysPublic,
    int? ErasedAfterMonths);
