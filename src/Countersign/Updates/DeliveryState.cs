namespace Countersign.Updates;

/// <summary>Where one recipient's email of an update stands (<see cref="UpdateDelivery.State"/>).</summary>
public static class DeliveryState
{
    /// <summary>Addressed, but its email is not written yet: the sender works through these in batches.</summary>
    public const string Waiting = "waiting";

    /// <summary>Its email is in the outbox (sent or not: see the outbox row).</summary>
    public const string Queued = "queued";

    /// <summary>
    /// Not to be sent after all: before its email went out the signer unsubscribed from the host,
    /// erased their signature, was set aside by a moderator, the campaign's personal data was erased,
    /// or the update was hidden.
    /// </summary>
    public const string Skipped = "skipped";

    public const int MaxLength = 16;
}
