using System.Text.Json;
using Countersign.Data;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Updates;

/// <summary>
/// Who an emailed update goes to, and what became of each: the rows the staff page, the sender and
/// erasure share. Each statement runs in the caller's transaction.
/// </summary>
public static class UpdateDeliveries
{
    /// <summary>
    /// Addresses the update to every signer who may get it now, one row each, in a single
    /// INSERT … SELECT of ids (no decryption, no message: those come later, batch by batch, from
    /// <see cref="UpdateSender"/>). Returns how many. Who may get it: a confirmed signature, not
    /// erased or set aside by a moderator, whose signer agreed to hear from the update's host
    /// (<see cref="CountRecipientsAsync"/> counts by the same rule: change both together).
    /// Held signatures are included: holding is about counting (too many signatures from one
    /// network at once), and the people behind them confirmed their address and gave consent.
    /// </summary>
    public static Task<int> AddRecipientsAsync(CountersignDb db, CampaignUpdate update, CancellationToken cancellationToken) =>
        db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "UpdateDeliveries" ("UpdateId", "SignatureId", "State")
                SELECT {update.Id}, "Id", {DeliveryState.Waiting} FROM "Signatures"
                WHERE "CampaignId" = {update.CampaignId} AND "State" = {SignatureState.Confirmed} AND "InvalidationId" IS NULL
                    AND {update.HostId} = ANY("UpdatesFromHostIds")
                """, cancellationToken)
            : db.Database.ExecuteSqlAsync(
                $"""
                INSERT INTO "UpdateDeliveries" ("UpdateId", "SignatureId", "State")
                SELECT {update.Id}, "Id", {DeliveryState.Waiting} FROM "Signatures"
                WHERE "CampaignId" = {update.CampaignId} AND "State" = {SignatureState.Confirmed} AND "InvalidationId" IS NULL
                    AND EXISTS (SELECT 1 FROM json_each("UpdatesFromHostIds") WHERE value = {update.HostId})
                """, cancellationToken);

    /// <summary>
    /// How many signers <see cref="AddRecipientsAsync"/> would address an update from the host to now, by the same
    /// rule, for the page where organisers confirm the sending.
    /// </summary>
    public static Task<int> CountRecipientsAsync(CountersignDb db, int campaignId, int hostId, CancellationToken cancellationToken) =>
        db.Signatures.CountAsync(s => s.CampaignId == campaignId && s.State == SignatureState.Confirmed && s.InvalidationId == null
            && s.UpdatesFromHostIds.Contains(hostId), cancellationToken);

    /// <summary>
    /// These signatures are being erased: whatever update email of theirs has not gone out yet never
    /// will. Deliveries not yet written are skipped; written ones lose their outbox row, which holds
    /// the address (encrypted with the master key, so crypto-shredding alone would not reach it).
    /// </summary>
    public static async Task SkipForSignaturesAsync(CountersignDb db, IReadOnlyCollection<long> signatureIds, CancellationToken cancellationToken)
    {
        if (signatureIds.Count == 0)
        {
            return;
        }

        var (whose, ids) = db.Database.IsNpgsql()
            ? (""" "SignatureId" = ANY({0}) """, (object)signatureIds.ToArray())
            : (""" "SignatureId" IN (SELECT value FROM json_each({0})) """, JsonSerializer.Serialize(signatureIds));
        await SkipAsync(db, whose, ids, cancellationToken);
    }

    /// <summary>The update is hidden: none of its emails still to go may leave.</summary>
    public static Task SkipForUpdateAsync(CountersignDb db, int updateId, CancellationToken cancellationToken) =>
        SkipAsync(db, """ "UpdateId" = {0} """, updateId, cancellationToken);

    /// <summary>The campaign's personal data is being crypto-shredded: none of its update emails still to go may leave.</summary>
    public static Task SkipForCampaignAsync(CountersignDb db, int campaignId, CancellationToken cancellationToken) =>
        SkipAsync(db, """ "UpdateId" IN (SELECT "Id" FROM "CampaignUpdates" WHERE "CampaignId" = {0}) """, campaignId, cancellationToken);

    /// <summary>
    /// Skips the unsent deliveries matching <paramref name="whose"/> (SQL with one parameter, {0}),
    /// then deletes their emails still in the outbox. The first statement's sent-check may read a
    /// snapshot older than an email the sender commits at that moment; on PostgreSQL the delivery's
    /// row lock makes the statement re-read that delivery after the sender's commit, and the
    /// DELETE, a statement of its own, sees the email. A race can skip a delivery, never miss one.
    /// </summary>
    private static async Task SkipAsync(CountersignDb db, string whose, object parameter, CancellationToken cancellationToken)
    {
        // whose is one of this class's constants; the values, states included, travel as parameters.
        var skip = $$"""
            UPDATE "UpdateDeliveries" SET "State" = {1}
            WHERE {{whose}} AND "State" IN ({2}, {3})
                AND NOT EXISTS (SELECT 1 FROM "OutboxMessages" m WHERE m."Id" = "UpdateDeliveries"."OutboxMessageId" AND m."SentAt" IS NOT NULL)
            """;
        var withdraw = $$"""
            DELETE FROM "OutboxMessages" WHERE "SentAt" IS NULL
                AND "Id" IN (SELECT "OutboxMessageId" FROM "UpdateDeliveries" WHERE {{whose}} AND "State" = {1})
            """;
        await db.Database.ExecuteSqlRawAsync(skip, [parameter, DeliveryState.Skipped, DeliveryState.Waiting, DeliveryState.Queued], cancellationToken);
        await db.Database.ExecuteSqlRawAsync(withdraw, [parameter, DeliveryState.Skipped], cancellationToken);
    }

    /// <summary>Where each of these updates' emails stand, by update id; updates never sent have no entry.</summary>
    public static async Task<Dictionary<int, UpdateProgress>> ProgressAsync(CountersignDb db, IReadOnlyCollection<int> updateIds, CancellationToken cancellationToken)
    {
        var groups = await db.UpdateDeliveries.AsNoTracking()
            .Where(d => updateIds.Contains(d.UpdateId))
            .GroupBy(d => new
            {
                d.UpdateId,
                d.State,
                Sent = d.OutboxMessage != null && d.OutboxMessage.SentAt != null,
                Failing = d.OutboxMessage != null && d.OutboxMessage.SentAt == null && d.OutboxMessage.LastError != null,
            })
            .Select(g => new { g.Key.UpdateId, g.Key.State, g.Key.Sent, g.Key.Failing, Count = g.Count() })
            .ToListAsync(cancellationToken);

        return groups.GroupBy(g => g.UpdateId).ToDictionary(byUpdate => byUpdate.Key, byUpdate => new UpdateProgress(
            Recipients: byUpdate.Sum(g => g.Count),
            Waiting: byUpdate.Where(g => g.State == DeliveryState.Waiting).Sum(g => g.Count),
            Queued: byUpdate.Where(g => g.State == DeliveryState.Queued && !g.Sent && !g.Failing).Sum(g => g.Count),
            Failing: byUpdate.Where(g => g.State == DeliveryState.Queued && g.Failing).Sum(g => g.Count),
            Sent: byUpdate.Where(g => g.Sent).Sum(g => g.Count),
            Skipped: byUpdate.Where(g => g.State == DeliveryState.Skipped && !g.Sent).Sum(g => g.Count)));
    }
}

/// <summary>
/// An emailed update's figures: every recipient is in exactly one of waiting (email not written
/// yet), queued (in the outbox), failing (in the outbox, its last attempt failed; it is retried),
/// sent, or skipped (no longer to be sent).
/// </summary>
public sealed record UpdateProgress(int Recipients, int Waiting, int Queued, int Failing, int Sent, int Skipped)
{
    /// <summary>Why the sender gave up on the update (<see cref="CampaignUpdate.SendingFailure"/>), if it did: then it is not finished, but stopped.</summary>
    public string? SendingFailure { get; init; }

    public bool IsFinished => SendingFailure is null && Waiting == 0 && Queued == 0 && Failing == 0;

    /// <summary>An update's figures as they stand, with why its sending stopped, if it did.</summary>
    public static UpdateProgress Of(CampaignUpdate update, UpdateProgress? figures) =>
        (figures ?? new UpdateProgress(0, 0, 0, 0, 0, 0)) with { SendingFailure = update.SendingFailure };
}
