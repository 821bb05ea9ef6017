using System.Threading.Channels;
using Countersign.Data;
using Countersign.Privacy;
using MimeKit;

namespace Countersign.Email;

/// <summary>
/// Puts messages into the outbox table of the caller's unit of work (they are saved, or lost,
/// with the change that caused them) and wakes the sending worker once that work is committed.
/// </summary>
public sealed class Outbox(PersonalDataProtector protector, TimeProvider clock)
{
    private readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public void Add(CountersignDb db, string kind, MimeMessage message) => db.OutboxMessages.Add(Prepare(kind, message));

    /// <summary>
    /// Seals a message for the outbox without adding it anywhere yet, so the costly part (MIME
    /// writing and encryption) can run on the request's thread rather than the single writer's.
    /// </summary>
    public OutboxMessage Prepare(string kind, MimeMessage message)
    {
        using var buffer = new MemoryStream();
        message.WriteTo(buffer);
        var now = clock.GetUtcNow().UtcDateTime;
        return new OutboxMessage
        {
            Kind = kind,
            MessageCiphertext = protector.Encrypt(buffer.ToArray()),
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    /// <summary>Call after committing: the worker sends at once instead of at its next poll.</summary>
    public void WakeSender() => _wakeUps.Writer.TryWrite(true);

    internal async Task WaitForWorkAsync(TimeSpan pollInterval, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(pollInterval);
        try
        {
            await _wakeUps.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a wake-up: look for due retries anyway.
        }
    }
}
