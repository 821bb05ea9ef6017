namespace Countersign.Signing;

/// <summary>
/// Where a signature stands. Whether it counts depends on more than its state (see
/// <see cref="Signature.Counts"/>): a confirmed one may still be held or set aside.
/// </summary>
public static class SignatureState
{
    public const string Pending = "pending";
    public const string Confirmed = "confirmed";
    public const string Invalidated = "invalidated";
    public const string Erased = "erased";
}
