using System.Threading.Channels;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Signing;

/// <summary><c>Signing:*</c> configuration of the intake queue.</summary>
public sealed class IntakeOptions
{
    public const string Section = "Signing";

    /// <summary>Requests waiting for the writer; beyond this, people are asked to try again in a few seconds.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>The most requests committed in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 512;
}

/// <summary>
/// The hot path for signing and confirming. Requests wait in a bounded queue; one writer takes
/// whatever has gathered (up to a batch) and commits it in a single transaction: new signatures,
/// their emails, confirmations and the counters. A request is answered only once its batch is
/// committed, so an acknowledged signature is never lost, and a viral campaign costs one commit
/// per batch instead of one per person. A full queue is answered at once (503), never with a hang.
/// </summary>
public sealed partial class SignatureIntake : BackgroundService
{
    private readonly Channel<IntakeItem> _queue;
    private readonly IServiceScopeFactory _scopes;
    private readonly SignerEmails _emails;
    private readonly Outbox _outbox;
    private readonly PersonalDataProtector _protector;
    private readonly TimeProvider _clock;
    private readonly ILogger<SignatureIntake> _logger;
    private readonly int _maxBatchSize;

    public SignatureIntake(IServiceScopeFactory scopes, IOptions<IntakeOptions> options, SignerEmails emails, Outbox outbox,
        PersonalDataProtector protector, TimeProvider clock, ILogger<SignatureIntake> logger)
    {
        _scopes = scopes;
        _emails = emails;
        _outbox = outbox;
        _protector = protector;
        _clock = clock;
        _logger = logger;
        _maxBatchSize = Math.Max(1, options.Value.MaxBatchSize);
        _queue = Channel.CreateBounded<IntakeItem>(new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity))
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Completes once the signature (or the repeat email) is committed.</summary>
    /// <exception cref="IntakeBusyException">The queue is full or the batch could not be committed.</exception>
    public Task SignAsync(SignRequest request) => SubmitAsync(request);

    /// <summary>Completes once the confirmation and its counters are committed.</summary>
    /// <exception cref="IntakeBusyException">The queue is full or the batch could not be committed.</exception>
    public Task ConfirmAsync(ConfirmRequest request) => SubmitAsync(request);

    private Task SubmitAsync(IntakeItem item) =>
        _queue.Writer.TryWrite(item) ? item.Completion.Task : Task.FromException(new IntakeBusyException());

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IntakeItem>(_maxBatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                await CommitWhatIsWaitingAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: the server has stopped taking requests; commit what is still queued.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryPeek(out _))
            {
                await CommitWhatIsWaitingAsync(batch);
            }
        }
    }

    private async Task CommitWhatIsWaitingAsync(List<IntakeItem> batch)
    {
        batch.Clear();
        while (batch.Count < _maxBatchSize && _queue.Reader.TryRead(out var item))
        {
            batch.Add(item);
        }

        try
        {
            await CommitAsync(batch);
            batch.ForEach(item => item.Completion.TrySetResult());
            return;
        }
        catch (Exception exception) when (batch.Count > 1)
        {
            LogBatchFailed(_logger, batch.Count, exception.GetType().Name);
        }
        catch (Exception exception)
        {
            LogBatchFailed(_logger, 1, exception.GetType().Name);
            batch[0].Completion.TrySetException(new IntakeBusyException());
            return;
        }

        // One request spoiled the batch (a database error, a race with another server): commit
        // the others one by one, so only the culprit's sender is asked to try again.
        foreach (var item in batch)
        {
            try
            {
                await CommitAsync([item]);
                item.Completion.TrySetResult();
            }
            catch (Exception exception)
            {
                LogBatchFailed(_logger, 1, exception.GetType().Name);
                item.Completion.TrySetException(new IntakeBusyException());
            }
        }
    }

    private async Task CommitAsync(IReadOnlyList<IntakeItem> items)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = _clock.GetUtcNow().UtcDateTime;

        var signatures = items.OfType<SignRequest>().ToList();
        if (signatures.Count > 0)
        {
            await AddSignaturesAsync(db, signatures, now);
        }

        var confirmations = items.OfType<ConfirmRequest>().Select(c => c.SignatureId).Distinct().ToList();
        if (confirmations.Count > 0)
        {
            await ConfirmAsync(db, confirmations, now);
        }

        await transaction.CommitAsync();
    }

    private async Task AddSignaturesAsync(CountersignDb db, List<SignRequest> requests, DateTime now)
    {
        // One query per campaign finds every earlier signature by these addresses (through the
        // unique (campaign, email key) index); duplicates inside the batch are caught by the same
        // dictionary, so a person is stored once whatever the timing.
        var known = new Dictionary<(int, string), Signature>();
        foreach (var campaign in requests.GroupBy(r => r.Signature.CampaignId))
        {
            var keys = campaign.Select(r => r.Signature.EmailKey).DistinctBy(Convert.ToHexString).ToList();

            // Only parameter placeholders are spliced into the text; the values travel as parameters.
            var placeholders = string.Join(", ", keys.Select((_, i) => $"{{{i + 1}}}"));
            var sql = $$"""SELECT * FROM "Signatures" WHERE "CampaignId" = {0} AND "EmailKey" IN ({{placeholders}})""";
            foreach (var earlier in await db.Signatures.FromSqlRaw(sql, [campaign.Key, .. keys]).ToListAsync())
            {
                known[(earlier.CampaignId, Convert.ToHexString(earlier.EmailKey))] = earlier;
            }
        }

        foreach (var request in requests)
        {
            var key = (request.Signature.CampaignId, Convert.ToHexString(request.Signature.EmailKey));
            if (known.TryGetValue(key, out var existing))
            {
                AddRepeatEmail(db, request, existing, now);
            }
            else
            {
                db.Signatures.Add(request.Signature);
                db.OutboxMessages.Add(request.ConfirmationEmail);
                known[key] = request.Signature;
            }
        }

        await db.SaveChangesAsync();
    }

    private void AddRepeatEmail(CountersignDb db, SignRequest request, Signature existing, DateTime now)
    {
        if (existing.State == SignatureState.Confirmed)
        {
            _outbox.Add(db, SignerEmails.AlreadySignedKind, _emails.AlreadySigned(request.Campaign, request.Name, request.Email, request.Locale));
        }
        else if (existing.State == SignatureState.Pending)
        {
            // The same link again while it has time left (so a double click leaves no dead link),
            // otherwise a fresh one.
            if (existing.ConfirmationTokenExpiresAt is not { } expiresAt || expiresAt - now < ConfirmationToken.MinimumRemaining)
            {
                expiresAt = ConfirmationToken.ExpiryFrom(now);
                existing.ConfirmationTokenExpiresAt = expiresAt;
            }

            var token = ConfirmationToken.Create(_protector, existing.CampaignId, existing.EmailKey, expiresAt);
            existing.ConfirmationTokenHash = ConfirmationToken.Hash(token);
            _outbox.Add(db, SignerEmails.ConfirmationKind, _emails.Confirmation(request.Campaign, request.Name, request.Email, token, request.Locale));
        }
    }

    private static async Task ConfirmAsync(CountersignDb db, List<long> signatureIds, DateTime now)
    {
        // RETURNING names exactly the rows this statement moved out of pending: a signature
        // confirmed twice, or by another server at the same moment, is counted once.
        var placeholders = string.Join(", ", signatureIds.Select((_, i) => $"{{{i + 1}}}"));
        var sql = $$"""
            UPDATE "Signatures" SET "State" = 'confirmed', "ConfirmedAt" = {0}
            WHERE "State" = 'pending' AND "Id" IN ({{placeholders}})
            RETURNING "CampaignId", "CountryCode"
            """;
        var confirmed = await db.Database.SqlQueryRaw<ConfirmedSignature>(sql, [now, .. signatureIds.Cast<object>()]).ToListAsync();
        await Counters.AddAsync(db, confirmed.Select(c => (c.CampaignId, c.CountryCode)), DateOnly.FromDateTime(now));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not commit {Count} signing request(s) ({Error}); their senders are asked to try again")]
    private static partial void LogBatchFailed(ILogger logger, int count, string error);

    private sealed class ConfirmedSignature
    {
        public int CampaignId { get; set; }
        public string CountryCode { get; set; } = "";
    }
}

public abstract class IntakeItem
{
    internal TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// A signature ready to store. Everything costly (encryption, the email) is prepared on the
/// request's thread; the writer only decides whether it is new and writes it.
/// </summary>
public sealed class SignRequest : IntakeItem
{
    public required Campaign Campaign { get; init; }
    public required Signature Signature { get; init; }

    /// <summary>The confirmation email, used when the signature is new.</summary>
    public required OutboxMessage ConfirmationEmail { get; init; }

    /// <summary>Kept in memory only, to write a repeat email in the signer's words.</summary>
    public required string Name { get; init; }
    public required string Email { get; init; }
    public required string Locale { get; init; }
}

public sealed class ConfirmRequest(long signatureId) : IntakeItem
{
    public long SignatureId { get; } = signatureId;
}

/// <summary>The intake cannot take this request now; the sender should try again in a few seconds.</summary>
public sealed class IntakeBusyException() : Exception("Signing is busy; try again in a few seconds.")
{
    /// <summary>What the 503 answers tell clients (Retry-After), matching "a few seconds" on the page.</summary>
    public const int RetryAfterSeconds = 5;
}
