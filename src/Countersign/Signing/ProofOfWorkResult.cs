namespace Countersign.Signing;

/// <summary>What checking a proof-of-work payload found.</summary>
public enum ProofOfWorkResult
{
    Solved,
    Missing,
    Invalid,
    Expired,

    /// <summary>A genuine solution used before: a script resubmitting, or a double click.</summary>
    Replayed,
}
