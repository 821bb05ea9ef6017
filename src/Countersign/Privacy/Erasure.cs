using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Email;
using Countersign.Signing;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Countersign.Privacy;

/// <summary>
/// Erasing signers' personal data. An erased signature keeps only what no one can trace to a
/// person (its campaign, country, dates and state), so the campaign's figures by country and day
/// stay true; its name, email, postcode, address hashes and token are gone, and its email key is
/// replaced by random bytes, so nothing in the database says the address ever signed (and the
/// person may sign again). A signature that counted stops counting in the same transaction.
/// Comments hold nothing but what a person typed, so erasing one deletes it.
/// </summary>
public static class Erasure
{
    /// <summary>
    /// Erases one signature, named by its campaign and email key, the comments made on the
    /// campaign with the same address, and the emails to that address still in the outbox folder
    /// ("everything we hold about you"); false when there is no signature to erase.
    /// </summary>
    public static async Task<bool> EraseAsync(CountersignDb db, OutboxFolder outboxFolder, int campaignId, byte[] emailKey, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var erased = await EraseWhereAsync(db, transaction, """ "CampaignId" = @campaign AND "EmailKey" = @key AND "State" <> 'erased' """, cancellationToken,
            ("@campaign", campaignId), ("@key", emailKey));
        await db.Comments.Where(c => c.CampaignId == campaignId && c.EmailKey == emailKey).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await TruncateSqliteLogAsync(db, cancellationToken);
        outboxFolder.DeleteWrittenTo(emailKey);
        return erased > 0;
    }

    /// <summary>
    /// Crypto-shreds a campaign's personal data: destroys its data key, so every copy of its
    /// encrypted values anywhere becomes unreadable, and deletes the rest (public names, email
    /// keys, address hashes) from its signatures. The signatures still count: the campaign's
    /// result stands, it just no longer says who signed. Returns false when it was done already
    /// (by another pass or server), so each campaign is reported once.
    /// </summary>
    public static async Task<bool> ShredCampaignAsync(CountersignDb db, CampaignKeys keys, int campaignId, DateTime now, CancellationToken cancellationToken = default)
    {
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            // Claiming the campaign first takes its row lock: a second pass waits here, then finds it done.
            var claimed = await db.Campaigns.Where(c => c.Id == campaignId && c.PersonalDataErasedAt == null)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.PersonalDataErasedAt, now), cancellationToken);
            if (claimed == 0)
            {
                return false;
            }

            await CampaignKeys.ShredAsync(db, campaignId, cancellationToken);
            await UpdateDeliveries.SkipForCampaignAsync(db, campaignId, cancellationToken);
            await WipeWhereAsync(db, transaction, """ "CampaignId" = @campaign """, campaignId, cancellationToken);

            // A comment is nothing but a person's words under their name: with the key gone it is
            // unreadable anyway, and the row goes too.
            await db.Comments.Where(c => c.CampaignId == campaignId).ExecuteDeleteAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        keys.Forget(campaignId);
        await TruncateSqliteLogAsync(db, cancellationToken);
        return true;
    }

    /// <summary>Erases every signature still pending that was made before <paramref name="before"/>; returns how many.</summary>
    public static async Task<int> ErasePendingAsync(CountersignDb db, DateTime before, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var erased = await EraseWhereAsync(db, transaction, """ "State" = 'pending' AND "CreatedAt" < @before """, cancellationToken, ("@before", before));
        await transaction.CommitAsync(cancellationToken);
        await TruncateSqliteLogAsync(db, cancellationToken);
        return erased;
    }

    /// <summary>Deletes every comment whose email was still not confirmed before <paramref name="before"/>; returns how many.</summary>
    public static async Task<int> ErasePendingCommentsAsync(CountersignDb db, DateTime before, CancellationToken cancellationToken = default)
    {
        var erased = await db.Comments.Where(c => c.State == CommentState.Pending && c.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
        if (erased > 0)
        {
            await TruncateSqliteLogAsync(db, cancellationToken);
        }

        return erased;
    }

    /// <summary>
    /// SQLite keeps recent pages, erased values included, in its write-ahead log until a
    /// checkpoint; this one copies them into the database (where secure_delete has zeroed what was
    /// removed) and empties the log file. When readers hold it busy, the next erasure tries again.
    /// </summary>
    private static async Task TruncateSqliteLogAsync(CountersignDb db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
        }
    }

    /// <summary>Deletes the personal fields of the matching signatures, leaving their state and counting as they are.</summary>
    private static async Task<int> WipeWhereAsync(CountersignDb db, IDbContextTransaction transaction, string where, int campaignId, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = $"""UPDATE "Signatures" SET {PersonalFieldsGone(db)} WHERE {where}""";
        command.AddParameter("@empty", Array.Empty<byte>());
        command.AddParameter("@campaign", campaignId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The SET list that deletes a signature's personal fields; the email key becomes random bytes, unique per row.</summary>
    private static string PersonalFieldsGone(CountersignDb db) =>
        $"""
        "NameCiphertext" = @empty, "EmailCiphertext" = @empty, "EmailKey" = {(db.Database.IsNpgsql() ? "sha256(uuid_send(gen_random_uuid()))" : "randomblob(32)")},
            "PostcodeCiphertext" = NULL, "ShowNamePublicly" = FALSE, "ConfirmationTokenHash" = NULL,
            "ConfirmationTokenExpiresAt" = NULL, "AddressHash" = NULL, "NetworkHash" = NULL, "EmailDomainKey" = NULL
        """;

    /// <summary>
    /// Runs the erasing UPDATE on the rows matching <paramref name="where"/> and takes the counted
    /// ones off the counters. Only a confirmation sets ConfirmedAt, and the erasure leaves it, so
    /// RETURNING tells which rows counted, read after any row lock: a confirmation committing at
    /// the same moment is either seen here or finds the row erased. Confirmed signers may have
    /// update emails still to go: those are called off in the same transaction.
    /// </summary>
    private static async Task<int> EraseWhereAsync(CountersignDb db, IDbContextTransaction transaction, string where, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText =
            $"""
            UPDATE "Signatures" SET "State" = 'erased', {PersonalFieldsGone(db)}
            WHERE {where}
            RETURNING "CampaignId", "CountryCode", "ConfirmedAt", "ConfirmedAt" IS NOT NULL AND "HeldBecause" IS NULL AND "InvalidationId" IS NULL, "Id"
            """;
        command.AddParameter("@empty", Array.Empty<byte>());
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        var uncounted = new List<(int CampaignId, string CountryCode, DateOnly Day)>();
        var confirmed = new List<long>();
        var erased = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                erased++;
                if (!await reader.IsDBNullAsync(2, cancellationToken))
                {
                    confirmed.Add(reader.GetInt64(4));
                }

                if (reader.GetBoolean(3))
                {
                    uncounted.Add((reader.GetInt32(0), reader.GetString(1), DateOnly.FromDateTime(reader.GetDateTime(2))));
                }
            }
        }

        await Counters.ChangeAsync(db, uncounted, -1);
        await UpdateDeliveries.SkipForSignaturesAsync(db, confirmed, cancellationToken);
        return erased;
    }
}
