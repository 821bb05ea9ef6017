namespace Countersign.Abuse;

/// <summary>What a rate limit counts: signatures, or comments (each in its own windows).</summary>
public enum RatedAct
{
    Signature,
    Comment,
}
