namespace Countersign.Abuse;

/// <summary>What a rate limit counts: signatures, comments, or organisations' co-signatures of a letter (each in its own windows).</summary>
public enum RatedAct
{
    Signature,
    Comment,
    CoSignature,
}
