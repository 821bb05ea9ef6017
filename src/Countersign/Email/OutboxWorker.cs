using System.Security.Cryptography;
using Countersign.Data;
using Countersign.Privacy;
using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Countersign.Email;

/// <summary>
/// Sends what the outbox table holds, oldest first. A failed message is retried with growing
/// pauses (capped at 15 minutes) for as long as it takes: when the mail server is down, nothing
/// is lost, and everything goes out once it is back.
/// </summary>
public sealed partial class OutboxWorker(
    IServiceScopeFactory scopes,
    IEmailSender sender,
    Outbox outbox,
    PersonalDataProtector protector,
    TimeProvider clock,
    IOptions<EmailOptions> options,
    ILogger<OutboxWorker> logger) : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LongestPause = TimeSpan.FromMinutes(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SendingPaused)
        {
            LogPaused(logger);
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var sentAll = await SendDueAsync(stoppingToken);
                if (sentAll)
                {
                    await outbox.WaitForWorkAsync(PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Whatever went wrong (the database busy or gone), the worker must outlive it:
                // a stopped worker would strand every email still in the outbox.
                LogRoundFailed(logger, exception.GetType().Name);
                await Task.Delay(PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>Sends one batch of due messages; false when a full batch suggests more are waiting.</summary>
    internal async Task<bool> SendDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var batchSize = options.Value.BatchSize;
        var due = await db.OutboxMessages
            .Where(m => m.SentAt == null && m.NextAttemptAt <= now)
            .OrderBy(m => m.Id)
            .Take(batchSize)
            .ToListAsync(cancellationToken);

        foreach (var message in due)
        {
            // An update email is withdrawn (its row deleted) when its signer erases their signature:
            // looked up again just before sending, so one withdrawn during this round stays unsent.
            if (!await db.OutboxMessages.AnyAsync(m => m.Id == message.Id && m.SentAt == null, cancellationToken))
            {
                db.Entry(message).State = EntityState.Detached;
                continue;
            }

            await SendOneAsync(message, cancellationToken);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Withdrawn while it was being sent: it went out, and there is no row left to mark.
                db.Entry(message).State = EntityState.Detached;
            }
        }

        return due.Count < batchSize;
    }

    private async Task SendOneAsync(OutboxMessage message, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            using var content = new MemoryStream(protector.Decrypt(message.MessageCiphertext ?? []));
            var mime = await MimeMessage.LoadAsync(content, cancellationToken);
            await sender.SendAsync(mime, cancellationToken);
            message.SentAt = now;
            message.MessageCiphertext = null;
            message.LastError = null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            message.Attempts++;
            var pause = TimeSpan.FromSeconds(Math.Pow(2, Math.Min(message.Attempts, 10)));
            message.NextAttemptAt = now + (pause < LongestPause ? pause : LongestPause);
            message.LastError = Describe(exception);
            LogSendFailed(logger, message.Id, message.Kind, message.Attempts, message.LastError);
        }
    }

    // SMTP error texts often quote the recipient's address, so only the type and status code are kept.
    private static string Describe(Exception exception) => exception switch
    {
        SmtpEmailSender.NoTlsException noTls => noTls.Message,
        SmtpCommandException smtp => $"{nameof(SmtpCommandException)} {(int)smtp.StatusCode}",
        System.Net.Sockets.SocketException socket => $"{nameof(System.Net.Sockets.SocketException)} {socket.SocketErrorCode}",
        _ => exception.GetType().Name,
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({Kind}) not sent on attempt {Attempt}: {Error}; will retry")]
    private static partial void LogSendFailed(ILogger logger, long messageId, string kind, int attempt, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Email sending is paused (Email:SendingPaused): emails wait in the outbox until it is resumed")]
    private static partial void LogPaused(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox round failed ({Error}); retrying shortly")]
    private static partial void LogRoundFailed(ILogger logger, string error);
}
