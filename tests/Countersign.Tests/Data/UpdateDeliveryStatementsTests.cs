using Countersign.Data;
using Countersign.Email;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Data;

/// <summary>The update-delivery statements written for each provider (arrays on PostgreSQL, JSON on SQLite), each run on its own.</summary>
public abstract class UpdateDeliveryStatementsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_address_an_update_to_confirmed_consenting_signers_and_skip_the_erased_ones_unsent_emails()
    {
        var campaign = await Database.AddCampaignAsync();
        var hosts = await Database.WithDbAsync(db => db.CampaignHosts.Where(h => h.CampaignId == campaign.Id).OrderBy(h => h.Position).Select(h => h.Id).ToListAsync());
        var invalidation = await TestSignatures.AddInvalidationAsync(Database, campaign);
        async Task<Signature> SignerAsync(string email, int[] hostIds, string state = SignatureState.Confirmed, string? heldBecause = null)
        {
            var signature = await TestSignatures.MakeAsync(Database, campaign, email, state, heldBecause);
            signature.UpdatesFromHostIds = [.. hostIds];
            return signature;
        }

        Signature[] recipients =
        [
            await SignerAsync("queued@example.org", [hosts[0], hosts[1]]),
            await SignerAsync("waiting@example.org", [hosts[0]], heldBecause: "network-rate"),
            await SignerAsync("sent@example.org", [hosts[0]]),
        ];
        var setAside = await SignerAsync("set-aside@example.org", [hosts[0]]);
        setAside.InvalidationId = invalidation;
        await TestSignatures.AddAsync(Database, [.. recipients, setAside,
            await SignerAsync("other-host@example.org", [hosts[1]]),
            await SignerAsync("pending@example.org", [hosts[0]], SignatureState.Pending)]);
        var now = Database.Clock.GetUtcNow().UtcDateTime;
        var update = new CampaignUpdate { CampaignId = campaign.Id, HostId = hosts[0], HostName = "Station Watch", Title = "News", BodyMarkdown = "News.", CreatedAt = now, UpdatedAt = now };
        await Database.WithDbAsync(db =>
        {
            db.CampaignUpdates.Add(update);
            return db.SaveChangesAsync();
        });

        Assert.Equal(recipients.Length, await Database.WithDbAsync(db => UpdateDeliveries.AddRecipientsAsync(db, update, CancellationToken.None)));
        Assert.Equal(recipients.Select(s => s.Id).Order(), await Database.WithDbAsync(db =>
            db.UpdateDeliveries.Where(d => d.State == DeliveryState.Waiting).Select(d => d.SignatureId).OrderBy(id => id).ToListAsync()));

        // The first signer's email is written but not sent; the third's has gone.
        var (unsent, sent) = (await QueueAsync(recipients[0], sentAt: null), await QueueAsync(recipients[2], sentAt: now));
        await Database.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            await UpdateDeliveries.SkipForSignaturesAsync(db, recipients.Select(s => s.Id).ToList(), CancellationToken.None);
            await transaction.CommitAsync();
        });

        var states = await Database.WithDbAsync(db => db.UpdateDeliveries.ToDictionaryAsync(d => d.SignatureId, d => d.State));
        Assert.Equal([DeliveryState.Skipped, DeliveryState.Skipped, DeliveryState.Queued], recipients.Select(s => states[s.Id]));
        Assert.Equal([sent], await Database.WithDbAsync(db => db.OutboxMessages.Select(m => m.Id).ToListAsync()));
        Assert.NotEqual(unsent, sent);
    }

    /// <summary>Writes the signer's update email to the outbox, as the sender does; returns the message's id.</summary>
    private Task<long> QueueAsync(Signature signer, DateTime? sentAt) =>
        Database.WithDbAsync(async db =>
        {
            var now = Database.Clock.GetUtcNow().UtcDateTime;
            var message = new OutboxMessage { Kind = SignerEmails.UpdateKind, CreatedAt = now, NextAttemptAt = now, SentAt = sentAt };
            db.OutboxMessages.Add(message);
            await db.SaveChangesAsync();
            await db.UpdateDeliveries.Where(d => d.SignatureId == signer.Id)
                .ExecuteUpdateAsync(d => d.SetProperty(x => x.State, DeliveryState.Queued).SetProperty(x => x.OutboxMessageId, message.Id));
            return message.Id;
        });
}

public sealed class UpdateDeliveryStatementsOnSqlite() : UpdateDeliveryStatementsTests(DatabaseProvider.Sqlite);

public sealed class UpdateDeliveryStatementsOnPostgres() : UpdateDeliveryStatementsTests(DatabaseProvider.Postgres);
