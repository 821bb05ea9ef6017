namespace Countersign.Email;

/// <summary>
/// An email waiting to be sent, written in the same transaction as the change that caused it,
/// so a crash or an SMTP outage never loses it. The message is stored encrypted and cleared once sent.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>What the email is for (confirmation, already-signed...), for the staff outbox view.</summary>
    public required string Kind { get; set; }
    public byte[]? MessageCiphertext { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public DateTime? SentAt { get; set; }

    /// <summary>The last failure's type and SMTP status, never its text (which may quote the address).</summary>
    public string? LastError { get; set; }
}
