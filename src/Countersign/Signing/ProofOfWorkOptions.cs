namespace Countersign.Signing;

/// <summary><c>ProofOfWork:*</c> settings of the signing form's self-hosted challenge.</summary>
public sealed class ProofOfWorkOptions
{
    public const string Section = "ProofOfWork";

    /// <summary>Off only for a closed test installation: without it, a script can sign as fast as the server answers.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// The most hashes a browser may need to solve a challenge (it needs half of that on average):
    /// 100,000 is well under a second on a phone, and makes a thousand fake signatures cost a
    /// script minutes of CPU.
    /// </summary>
    public int MaxNumber { get; set; } = 100_000;

    /// <summary>How long a challenge stays valid (at most 10 minutes).</summary>
    public int ExpirySeconds { get; set; } = 600;

    /// <summary>Signatures per minute on one campaign above which its challenges get harder.</summary>
    public int SpikeSignaturesPerMinute { get; set; } = 600;

    /// <summary>How much harder challenges get during a spike.</summary>
    public int SpikeFactor { get; set; } = 10;
}
