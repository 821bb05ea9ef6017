using Countersign.Data;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Countersign.Privacy;

/// <summary>A signature as an erasing statement left it, with whether it counted just before.</summary>
public sealed record ErasedSignature(long Id, int CampaignId, string CountryCode, DateTime? ConfirmedAt, bool Counted);

/// <summary>
/// The statements of <see cref="Erasure"/>, each written once for both providers, apart from what
/// only one has: the random bytes that replace an email key, and SQLite's log to empty afterwards.
/// Each runs in the caller's transaction.
/// </summary>
public static class ErasureStatements
{
    /// <summary>Erases one campaign's signature by its email key, unless it is erased already.</summary>
    public static Task<List<ErasedSignature>> EraseSignatureAsync(CountersignDb db, IDbContextTransaction transaction, int campaignId, byte[] emailKey, CancellationToken cancellationToken) =>
        EraseWhereAsync(db, transaction, """ "CampaignId" = @campaign AND "EmailKey" = @key AND "State" <> @erased """, cancellationToken,
            ("@campaign", campaignId), ("@key", emailKey));

    /// <summary>Erases every signature still pending that was made before <paramref name="before"/>.</summary>
    public static Task<List<ErasedSignature>> ErasePendingAsync(CountersignDb db, IDbContextTransaction transaction, DateTime before, CancellationToken cancellationToken) =>
        EraseWhereAsync(db, transaction, """ "State" = @pending AND "CreatedAt" < @before """, cancellationToken,
            ("@pending", SignatureState.Pending), ("@before", before));

    /// <summary>Deletes the personal fields of a campaign's signatures, leaving their state and counting as they are.</summary>
    public static async Task<int> WipeCampaignAsync(CountersignDb db, IDbContextTransaction transaction, int campaignId, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText = $"""UPDATE "Signatures" SET {PersonalFieldsGone(db)} WHERE "CampaignId" = @campaign""";
        command.AddParameter("@empty", Array.Empty<byte>());
        command.AddParameter("@campaign", campaignId);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// SQLite keeps recent pages, erased values included, in its write-ahead log until a
    /// checkpoint; this one copies them into the database (where secure_delete has zeroed what was
    /// removed) and empties the log file. When readers hold it busy, the next erasure tries again.
    /// </summary>
    public static async Task TruncateSqliteLogAsync(CountersignDb db, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE)", cancellationToken);
        }
    }

    /// <summary>The SET list that deletes a signature's personal fields; the email key becomes random bytes, unique per row.</summary>
    private static string PersonalFieldsGone(CountersignDb db) =>
        $"""
        "NameCiphertext" = @empty, "EmailCiphertext" = @empty, "EmailKey" = {(db.Database.IsNpgsql() ? "sha256(uuid_send(gen_random_uuid()))" : "randomblob(32)")},
            "PostcodeCiphertext" = NULL, "ShowNamePublicly" = FALSE, "ConfirmationTokenHash" = NULL,
            "ConfirmationTokenExpiresAt" = NULL, "AddressHash" = NULL, "NetworkHash" = NULL, "EmailDomainKey" = NULL
        """;

    /// <summary>
    /// Runs the erasing UPDATE on the rows matching <paramref name="where"/> and returns them, each
    /// with whether it counted. RETURNING reads the rows after any row lock: a confirmation
    /// committing at the same moment is either seen here or finds the row erased.
    /// </summary>
    private static async Task<List<ErasedSignature>> EraseWhereAsync(CountersignDb db, IDbContextTransaction transaction, string where, CancellationToken cancellationToken,
        params (string Name, object Value)[] parameters)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText =
            $"""
            UPDATE "Signatures" SET "State" = @erased, {PersonalFieldsGone(db)}
            WHERE {where}
            RETURNING "Id", "CampaignId", "CountryCode", "ConfirmedAt", {SignatureSql.CountedBeforeErasure}
            """;
        command.AddParameter("@erased", SignatureState.Erased);
        command.AddParameter("@empty", Array.Empty<byte>());
        foreach (var (name, value) in parameters)
        {
            command.AddParameter(name, value);
        }

        var erased = new List<ErasedSignature>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            erased.Add(new ErasedSignature(
                reader.GetInt64(0),
                reader.GetInt32(1),
                reader.GetString(2),
                await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetDateTime(3),
                reader.GetBoolean(4)));
        }

        return erased;
    }
}
