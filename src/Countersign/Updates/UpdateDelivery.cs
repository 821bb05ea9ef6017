using Countersign.Email;

namespace Countersign.Updates;

/// <summary>
/// One recipient of one emailed update. The primary key (update, signature) is what makes a second
/// email to the same person impossible, whatever crashes or restarts happen while sending. The
/// message itself is written only when the sender reaches the row, from the signature as it is then.
/// </summary>
public sealed class UpdateDelivery
{
    public int UpdateId { get; set; }
    public long SignatureId { get; set; }
    public string State { get; set; } = DeliveryState.Waiting;

    /// <summary>The email in the outbox once written; its sent time and last error are this delivery's progress.</summary>
    public long? OutboxMessageId { get; set; }
    public OutboxMessage? OutboxMessage { get; set; }
}
