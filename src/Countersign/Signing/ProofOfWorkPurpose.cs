namespace Countersign.Signing;

/// <summary>Which form a challenge is for: a solution is good only for the form and campaign its challenge was made for.</summary>
public enum ProofOfWorkPurpose
{
    Signing,
    Comment,
    CoSignature,
}
