namespace Countersign.Updates;

/// <summary>
/// News from a campaign to its signers, written by its organisers on behalf of one of its hosts.
/// A draft is edited freely; once published it shows on the campaign page and stays as published.
/// Emailing it is a separate, one-time step: <see cref="SentAt"/> is claimed once, by a conditional
/// UPDATE, and each recipient has one <see cref="UpdateDelivery"/> row.
/// </summary>
public sealed class CampaignUpdate
{
    public const int TitleMaxLength = 200;
    public const int BodyMaxLength = 20_000;

    /// <summary>The longest reason for hiding an update or showing it again, kept in the audit log.</summary>
    public const int ReasonMaxLength = 500;

    public int Id { get; set; }
    public int CampaignId { get; set; }

    /// <summary>
    /// The host the update speaks for; only signers who agreed to hear from this host get it by email.
    /// No foreign key: hosts may leave a campaign, and its published updates must stay readable.
    /// </summary>
    public int HostId { get; set; }

    /// <summary>The host's name as of the last save, shown with the update even after the host leaves the campaign.</summary>
    public required string HostName { get; set; }
    public required string Title { get; set; }
    public required string BodyMarkdown { get; set; }
    public string State { get; private set; } = UpdateState.Draft;
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? PublishedAt { get; private set; }

    /// <summary>When "Publish and email" claimed the update for sending; never set twice.</summary>
    public DateTime? SentAt { get; set; }

    /// <summary>Signers it was addressed to when it was sent (the delivery rows written then).</summary>
    public int RecipientCount { get; set; }

    /// <summary>When the sender wrote the last of its emails to the outbox, or skipped the last recipient: its work is done.</summary>
    public DateTime? QueuedAllAt { get; set; }

    /// <summary>
    /// Why the sender gave up on the update (an <see cref="UpdateFailure"/> code), or null: set with
    /// <see cref="QueuedAllAt"/> by <see cref="FailSending"/>, and shown to its organisers.
    /// </summary>
    public string? SendingFailure { get; private set; }

    public bool IsDraft => State == UpdateState.Draft;

    public bool IsHidden => State == UpdateState.Hidden;

    public void Publish(DateTime now)
    {
        if (!IsDraft)
        {
            throw new InvalidOperationException("Only a draft update can be published.");
        }

        State = UpdateState.Published;
        PublishedAt = now;
    }

    /// <summary>
    /// No email of this update can be built (its text cannot be rendered): the sender's work on it is
    /// done, so it goes on to later updates; the caller skips the recipients not written yet.
    /// </summary>
    public void FailSending(string failure, DateTime now)
    {
        SendingFailure = failure;
        QueuedAllAt = now;
    }
}
