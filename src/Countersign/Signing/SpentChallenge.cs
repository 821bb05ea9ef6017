namespace Countersign.Signing;

/// <summary>
/// A proof-of-work challenge that a signature has used, kept until it expires: the database's
/// unique key makes a second use fail on every server and after restarts.
/// </summary>
public sealed class SpentChallenge
{
    /// <summary>The challenge's random nonce (16 bytes).</summary>
    public required byte[] Nonce { get; set; }
    public DateTime ExpiresAt { get; set; }
}
