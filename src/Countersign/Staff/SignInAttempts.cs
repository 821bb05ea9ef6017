namespace Countersign.Staff;

/// <summary>
/// Sign-in attempts since the last success in one bucket: an address typed at sign-in from one
/// client network, an account's second-factor codes from one network, or an account's codes from
/// every network. A keyed hash stands for the bucket: no address, no IP is stored, and the row is
/// forgotten a day after its last attempt. The letters' DNS checks (<see cref="Letters.DomainProof"/>) are slowed down
/// the same way, in a bucket per co-signature.
/// </summary>
public sealed class SignInAttempts
{
    public required byte[] Key { get; set; }
    public int Count { get; set; }
    public DateTime LastAt { get; set; }
}
