using System.Threading.Channels;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;

namespace Countersign.Signing;

/// <summary>
/// The hot path for signing and confirming. Requests wait in a bounded queue; one writer takes
/// whatever has gathered (up to a batch) and commits it in a single transaction: new signatures,
/// their emails, confirmations and the counters. A request is answered only once its batch is
/// committed, so an acknowledged signature is never lost, and a viral campaign costs one commit
/// per batch instead of one per person. A full queue is answered at once (503), never with a hang.
/// </summary>
public sealed partial class SignatureIntake : BackgroundService
{
    /// <summary>
    /// Someone signing again with an address that has signed makes us email its owner ("already
    /// signed", or the confirmation link once more) at most once per campaign in this period: anyone
    /// can type anyone's address, as often as they like.
    /// </summary>
    public static readonly TimeSpan RepeatEmailPeriod = TimeSpan.FromHours(24);

    /// <summary>
    /// And at most this many such emails to one address in the period across the whole site, however
    /// many campaigns someone tries with it. A person signing again by mistake does so on one or two
    /// campaigns a day; three leaves them room, while a stranger can add no more than three emails a
    /// day to someone's inbox (each campaign's first confirmation aside: that one always goes, and
    /// only once, since the signature it confirms is then stored).
    /// </summary>
    public const int RepeatEmailsPerRecipient = 3;

    private readonly Channel<IntakeItem> _queue;
    private readonly IServiceScopeFactory _scopes;
    private readonly SignerEmails _emails;
    private readonly Outbox _outbox;
    private readonly PersonalDataProtector _protector;
    private readonly TimeProvider _clock;
    private readonly ILogger<SignatureIntake> _logger;
    private readonly int _maxBatchSize;

    /// <summary>When the writer next deletes expired spent challenges (only the writer reads it).</summary>
    private DateTime _nextSpentPurge;

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
        var rows = new SignatureRows(db.Database.GetDbConnection(), transaction.GetDbTransaction());
        var now = _clock.GetUtcNow().UtcDateTime;

        var signatures = items.OfType<SignRequest>().ToList();
        var proofs = signatures.Where(r => r.Proof is not null).ToList();
        if (proofs.Count > 0)
        {
            // A solution already spent on this or another server (the memory check missed it after
            // a restart, or on another node) is a replay: set aside, answered like any signature.
            var purge = now >= _nextSpentPurge;
            var replayed = await rows.SpendAsync(proofs.Select(r => r.Proof!).ToList(), now, purge);
            if (purge)
            {
                _nextSpentPurge = now.AddMinutes(1);
            }
            foreach (var request in proofs.Where(r => replayed.Contains(Convert.ToHexString(r.Proof!.Nonce))))
            {
                request.SetAsideAsReplay();
            }
        }

        if (signatures.Count > 0)
        {
            await AddSignaturesAsync(rows, signatures, new RepeatEmails(rows, now));
        }

        var confirmations = items.OfType<ConfirmRequest>().Select(c => c.SignatureId).Distinct().ToList();
        if (confirmations.Count > 0)
        {
            var confirmed = await rows.ConfirmAsync(confirmations, now);
            await Counters.AddAsync(db, confirmed, DateOnly.FromDateTime(now));
        }

        await transaction.CommitAsync();
    }

    private async Task AddSignaturesAsync(SignatureRows rows, List<SignRequest> requests, RepeatEmails repeats)
    {
        var newSignatures = new List<Signature>(requests.Count);
        var emails = new List<OutboxMessage>(requests.Count);
        foreach (var campaign in requests.GroupBy(r => r.Signature.CampaignId))
        {
            // Every earlier signature by these addresses, found through the unique (campaign, email
            // key) index; duplicates inside the batch are caught by the same dictionary, so a person
            // is stored once whatever the timing.
            var keys = campaign.Select(r => r.Signature.EmailKey).DistinctBy(Convert.ToHexString).ToList();
            var known = await rows.FindAsync(campaign.Key, keys);
            foreach (var request in campaign)
            {
                var key = Convert.ToHexString(request.Signature.EmailKey);
                var caughtByBotCheck = request.ConfirmationEmail is null;
                if (!known.TryGetValue(key, out var existing))
                {
                    newSignatures.Add(request.Signature);
                    AddIfAny(emails, request.ConfirmationEmail);
                    known[key] = new StoredSignature(0, request.Signature.State, request.Signature.ConfirmationTokenExpiresAt, request.Signature.HeldBecause,
                        RepeatEmailAt: null, request.Signature);
                }
                else if (caughtByBotCheck)
                {
                    // The address has a signature already: a script changes nothing and emails nobody.
                }
                else if (existing.State == SignatureState.Invalidated)
                {
                    // A person signing with an address a script used first (to block them, perhaps):
                    // their signature takes the set-aside one's place and goes through confirmation.
                    if (existing.Added is { } added)
                    {
                        newSignatures[newSignatures.IndexOf(added)] = request.Signature;
                    }
                    else
                    {
                        await rows.ReplaceAsync(existing.Id, request.Signature);
                    }

                    AddIfAny(emails, request.ConfirmationEmail);
                    known[key] = existing with
                    {
                        State = request.Signature.State,
                        ConfirmationTokenExpiresAt = request.Signature.ConfirmationTokenExpiresAt,
                        HeldBecause = request.Signature.HeldBecause,
                        RepeatEmailAt = request.Signature.RepeatEmailAt,
                        Added = existing.Added is null ? null : request.Signature,
                    };
                }
                else if (await repeats.ClaimAsync(request, existing))
                {
                    known[key] = existing with { RepeatEmailAt = repeats.Now };
                    emails.Add(await RepeatEmailAsync(rows, request, existing, repeats.Now));
                }
            }
        }

        await rows.InsertAsync(newSignatures);
        await rows.InsertAsync(emails);
    }

    private static void AddIfAny(List<OutboxMessage> emails, OutboxMessage? email)
    {
        if (email is not null)
        {
            emails.Add(email);
        }
    }

    /// <summary>
    /// Decides whether someone signing again with an address that has signed may make us email its
    /// owner, and records it when so: never while a rate limit holds the signature, or this try (its
    /// source is flooding the campaign, so the email is more likely a weapon than a reminder); once
    /// per campaign in <see cref="RepeatEmailPeriod"/>; <see cref="RepeatEmailsPerRecipient"/> times
    /// across the site. Recorded in the database, so it holds across servers and restarts; requests
    /// in the same batch are counted here as they are decided. The page answers alike in every case.
    /// </summary>
    private sealed class RepeatEmails(SignatureRows rows, DateTime now)
    {
        /// <summary>This batch's count per address (email key, hex): read once, then kept up to date here.</summary>
        private readonly Dictionary<string, int> _perRecipient = new(StringComparer.Ordinal);

        public DateTime Now => now;

        private DateTime Since => now - RepeatEmailPeriod;

        public async Task<bool> ClaimAsync(SignRequest request, StoredSignature existing)
        {
            if (existing.HeldBecause is not null || request.Signature.HeldBecause is not null || existing.RepeatEmailAt > Since)
            {
                return false;
            }

            var recipient = Convert.ToHexString(request.Signature.EmailKey);
            if (!_perRecipient.TryGetValue(recipient, out var sent))
            {
                sent = await rows.CountRepeatEmailsAsync(request.Signature.EmailKey, Since);
            }

            if (sent >= RepeatEmailsPerRecipient)
            {
                _perRecipient[recipient] = sent;
                return false;
            }

            // A signature this batch is adding is recorded as it is inserted; a stored one, by an
            // update that only one server can make.
            if (existing.Added is { } added)
            {
                added.RepeatEmailAt = now;
            }
            else if (!await rows.ClaimRepeatEmailAsync(existing.Id, now, Since))
            {
                return false;
            }

            _perRecipient[recipient] = sent + 1;
            return true;
        }
    }

    /// <summary>The email for someone signing again: "already signed", or their confirmation link once more.</summary>
    private async Task<OutboxMessage> RepeatEmailAsync(SignatureRows rows, SignRequest request, StoredSignature existing, DateTime now)
    {
        if (existing.State != SignatureState.Pending)
        {
            return _outbox.Prepare(SignerEmails.AlreadySignedKind, _emails.AlreadySigned(request.Campaign, request.Email, request.Signature.EmailKey, request.Locale));
        }

        // The same link again while it has time left (so a double click leaves no dead link),
        // otherwise a fresh one. The link is derived from the expiry, so a kept expiry keeps it.
        var keepLink = existing.ConfirmationTokenExpiresAt is { } expiry && expiry - now >= ConfirmationToken.MinimumRemaining;
        var expiresAt = keepLink ? existing.ConfirmationTokenExpiresAt!.Value : ConfirmationToken.ExpiryFrom(now);
        var token = ConfirmationToken.Create(_protector, request.Signature.CampaignId, request.Signature.EmailKey, expiresAt);
        if (!keepLink)
        {
            await rows.SetConfirmationTokenAsync(existing.Id, ConfirmationToken.Hash(token), expiresAt);
        }

        return _outbox.Prepare(SignerEmails.ConfirmationKind, _emails.Confirmation(request.Campaign, name: null, request.Email, request.Signature.EmailKey, token, request.Locale));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not commit {Count} signing request(s) ({Error}); their senders are asked to try again")]
    private static partial void LogBatchFailed(ILogger logger, int count, string error);
}
