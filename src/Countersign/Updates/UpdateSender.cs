using System.Threading.Channels;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Updates;

/// <summary>
/// Writes emailed updates into the outbox, a batch at a time, from their delivery rows. Each email
/// is built from the signature as it is at that moment (decrypted with the campaign's key only
/// then), so a signer who unsubscribed, erased their signature or was set aside meanwhile is
/// skipped. The sender keeps at most <see cref="UpdateOptions.BatchSize"/> update emails waiting in
/// the outbox, writing more as those go out: a 75,000-signer update never sits in front of the
/// confirmation emails of people signing now, and little personal data waits in the outbox.
/// </summary>
public sealed partial class UpdateSender(
    IServiceScopeFactory scopes,
    CampaignKeys campaignKeys,
    SignerEmails emails,
    MarkdownRenderer markdown,
    Outbox outbox,
    TimeProvider clock,
    IOptions<UpdateOptions> options,
    ILogger<UpdateSender> logger) : BackgroundService
{
    /// <summary>How often the sender looks whether the outbox has room again, when nothing wakes it sooner.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(2);

    /// <summary>
    /// An email that has failed this many times (about four minutes of retries, at the outbox's
    /// doubling pauses) stops holding up the rest of its update: it is retried for as long as the
    /// outbox retries anything, and shows as failing. While the mail server is down, that lets one
    /// more batch into the outbox every four minutes or so, not the whole update at once.
    /// </summary>
    public const int StuckAfterAttempts = 8;

    private readonly Channel<bool> _wakeUps = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Call after committing a send: the sender starts at once instead of at its next poll.</summary>
    public void Wake() => _wakeUps.Writer.TryWrite(true);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!await RunPassAsync(stoppingToken))
                {
                    await WaitForWorkAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The database busy or gone: the deliveries wait in their table, and the next pass
                // takes them up where this one stopped.
                LogPassFailed(logger, exception.GetType().Name);
                await Task.Delay(PollInterval, stoppingToken);
            }
        }
    }

    /// <summary>
    /// Writes one batch of one update's emails, as much as the outbox has room for. Returns false
    /// when there was nothing to do (no room, or nothing waiting), so the caller may wait.
    /// </summary>
    internal async Task<bool> RunPassAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var inOutbox = await db.OutboxMessages.CountAsync(
            m => m.Kind == SignerEmails.UpdateKind && m.SentAt == null && m.Attempts < StuckAfterAttempts, cancellationToken);
        var room = options.Value.BatchSize - inOutbox;
        if (room <= 0)
        {
            return false;
        }

        // A hidden update's deliveries were skipped when it was hidden; it is not taken up again until shown.
        var update = await db.CampaignUpdates.Where(u => u.SentAt != null && u.QueuedAllAt == null && u.State == UpdateState.Published)
            .OrderBy(u => u.SentAt).ThenBy(u => u.Id).FirstOrDefaultAsync(cancellationToken);
        if (update is null)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var batch = await db.UpdateDeliveries.Where(d => d.UpdateId == update.Id && d.State == DeliveryState.Waiting)
            .OrderBy(d => d.SignatureId).Take(room).ToListAsync(cancellationToken);
        if (batch.Count == 0)
        {
            update.QueuedAllAt = now;
            await db.SaveChangesAsync(cancellationToken);
            LogQueuedAll(logger, update.Id);
            return true;
        }

        // Its text is the same in every email: if it cannot be rendered, none can be built, and retrying
        // would hold back every later update on the site.
        var problem = markdown.Render(update.BodyMarkdown, out var bodyHtml);
        if (problem != MarkdownProblem.None)
        {
            await FailAsync(db, update, UpdateFailure.For(problem), now, cancellationToken);
            return true;
        }

        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == update.CampaignId, cancellationToken);
        var written = await WriteAsync(db, campaign, update, bodyHtml, batch, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another server wrote some of this batch, or an erasure skipped one of its rows, since it
            // was read: nothing of this pass is kept, and the next pass reads the batch again.
            LogBatchTaken(logger, update.Id);
            return true;
        }

        if (written > 0)
        {
            outbox.WakeSender();
        }

        return true;
    }

    /// <summary>
    /// Gives up on the update for good: it is marked failed with the reason, for its organisers, and its
    /// recipients not written yet are skipped, in one transaction. Emails already in the outbox go out.
    /// </summary>
    private async Task FailAsync(CountersignDb db, CampaignUpdate update, string failure, DateTime now, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.UpdateDeliveries.Where(d => d.UpdateId == update.Id && d.State == DeliveryState.Waiting)
            .ExecuteUpdateAsync(d => d.SetProperty(x => x.State, DeliveryState.Skipped), cancellationToken);
        update.FailSending(failure, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Hidden meanwhile: its deliveries are skipped already, and the next pass leaves it alone.
            LogBatchTaken(logger, update.Id);
            return;
        }

        await transaction.CommitAsync(cancellationToken);
        LogFailed(logger, update.Id, failure);
    }

    /// <summary>Builds the batch's emails into the context; returns how many (the rest are skipped).</summary>
    private async Task<int> WriteAsync(CountersignDb db, Campaign campaign, CampaignUpdate update, string bodyHtml, List<UpdateDelivery> batch, CancellationToken cancellationToken)
    {
        // Checked before asking for the key: a shredded campaign must not be given a new one.
        if (campaign.PersonalDataErasedAt is not null)
        {
            batch.ForEach(delivery => delivery.State = DeliveryState.Skipped);
            return 0;
        }

        var ids = batch.Select(d => d.SignatureId).ToList();
        var signers = await db.Signatures.AsNoTracking().Where(s => ids.Contains(s.Id))
            .Select(s => new { s.Id, s.State, s.InvalidationId, s.UpdatesFromHostIds, s.NameCiphertext, s.EmailCiphertext, s.EmailKey, s.Locale })
            .ToDictionaryAsync(s => s.Id, cancellationToken);
        var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
        var written = 0;
        foreach (var delivery in batch)
        {
            if (!signers.TryGetValue(delivery.SignatureId, out var signer) || signer.State != SignatureState.Confirmed
                || signer.InvalidationId is not null || !signer.UpdatesFromHostIds.Contains(update.HostId))
            {
                delivery.State = DeliveryState.Skipped;
                continue;
            }

            var message = emails.Update(campaign, update, bodyHtml, signer.Id, cipher.DecryptString(signer.NameCiphertext),
                cipher.DecryptString(signer.EmailCiphertext), signer.EmailKey, signer.Locale);
            delivery.OutboxMessage = outbox.Prepare(SignerEmails.UpdateKind, message);
            delivery.State = DeliveryState.Queued;
            written++;
        }

        return written;
    }

    private async Task WaitForWorkAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PollInterval);
        try
        {
            await _wakeUps.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // No wake-up: look again whether the outbox has sent enough to make room.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Update {UpdateId}: every email is written to the outbox")]
    private static partial void LogQueuedAll(ILogger logger, int updateId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Update {UpdateId}: a batch changed while it was written; it is read again")]
    private static partial void LogBatchTaken(ILogger logger, int updateId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Update {UpdateId}: no email of it can be built ({Failure}); it is marked failed and the sender goes on")]
    private static partial void LogFailed(ILogger logger, int updateId, string failure);

    [LoggerMessage(Level = LogLevel.Error, Message = "Update sender: a pass failed ({Error}); the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, string error);
}
