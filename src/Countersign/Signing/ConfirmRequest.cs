namespace Countersign.Signing;

/// <summary>A followed confirmation link: the writer moves the signature from pending to confirmed and counts it.</summary>
public sealed class ConfirmRequest(long signatureId) : IntakeItem
{
    public long SignatureId { get; } = signatureId;
}
