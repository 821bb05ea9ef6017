using System.Data.Common;
using System.Text.Json;
using Countersign.Data;
using Countersign.Email;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Countersign.Signing;

/// <summary>
/// Plain ADO.NET reads and writes of signature and outbox rows, for the paths that handle many at
/// once: the intake's batches and demo-load. Their SQL text never changes with the number of rows,
/// so nothing is parsed or compiled per batch: SQLite reuses one prepared statement per row (it
/// runs in-process, so a row costs microseconds), PostgreSQL gets binary COPY and array
/// parameters (one round trip whatever the batch size). Both run inside the caller's transaction.
/// Every signature statement that differs between the providers is here, unsubscribing included.
/// </summary>
public sealed class SignatureRows(DbConnection connection, DbTransaction transaction)
{
    /// <summary>
    /// The signature columns the intake writes, each with its PostgreSQL type (for COPY) and its
    /// value: every column but the generated id and the moderators' invalidation. A test holds this
    /// list to the EF model on both providers.
    /// </summary>
    internal static readonly Column<Signature>[] SignatureColumns =
    [
        new("CampaignId", NpgsqlDbType.Integer, s => s.CampaignId),
        new("NameCiphertext", NpgsqlDbType.Bytea, s => s.NameCiphertext),
        new("EmailCiphertext", NpgsqlDbType.Bytea, s => s.EmailCiphertext),
        new("EmailKey", NpgsqlDbType.Bytea, s => s.EmailKey),
        new("PostcodeCiphertext", NpgsqlDbType.Bytea, s => s.PostcodeCiphertext),
        new("CountryCode", NpgsqlDbType.Varchar, s => s.CountryCode),
        new("ShowNamePublicly", NpgsqlDbType.Boolean, s => s.ShowNamePublicly),
        new("UpdatesFromHostIds", NpgsqlDbType.Array | NpgsqlDbType.Integer, s => s.UpdatesFromHostIds.ToArray()),
        new("Locale", NpgsqlDbType.Varchar, s => s.Locale),
        new("State", NpgsqlDbType.Varchar, s => s.State),
        new("IsDemo", NpgsqlDbType.Boolean, s => s.IsDemo),
        new("CreatedAt", NpgsqlDbType.TimestampTz, s => s.CreatedAt),
        new("ConfirmedAt", NpgsqlDbType.TimestampTz, s => s.ConfirmedAt),
        new("ConfirmationTokenHash", NpgsqlDbType.Bytea, s => s.ConfirmationTokenHash),
        new("ConfirmationTokenExpiresAt", NpgsqlDbType.TimestampTz, s => s.ConfirmationTokenExpiresAt),
        new("InvalidatedBecause", NpgsqlDbType.Varchar, s => s.InvalidatedBecause),
        new("HeldBecause", NpgsqlDbType.Varchar, s => s.HeldBecause),
        new("AddressHash", NpgsqlDbType.Bytea, s => s.AddressHash),
        new("NetworkHash", NpgsqlDbType.Bytea, s => s.NetworkHash),
        new("EmailDomainKey", NpgsqlDbType.Bytea, s => s.EmailDomainKey),
        new("Referral", NpgsqlDbType.Varchar, s => s.Referral),
        new("ReferredByHostId", NpgsqlDbType.Integer, s => s.ReferredByHostId),
        new("RepeatEmailAt", NpgsqlDbType.TimestampTz, s => s.RepeatEmailAt),
    ];

    /// <summary>The outbox columns the intake writes: every one but the id and what sending sets later.</summary>
    internal static readonly Column<OutboxMessage>[] OutboxColumns =
    [
        new("Kind", NpgsqlDbType.Varchar, m => m.Kind),
        new("MessageCiphertext", NpgsqlDbType.Bytea, m => m.MessageCiphertext),
        new("CreatedAt", NpgsqlDbType.TimestampTz, m => m.CreatedAt),
        new("NextAttemptAt", NpgsqlDbType.TimestampTz, m => m.NextAttemptAt),
        new("Attempts", NpgsqlDbType.Integer, m => m.Attempts),
    ];

    /// <summary>A column written by name, with its PostgreSQL type and where its value comes from.</summary>
    internal sealed record Column<T>(string Name, NpgsqlDbType Type, Func<T, object?> Value);

    private bool IsPostgres => connection is NpgsqlConnection;

    /// <summary>The signatures already stored for these addresses (by email key, as hex), with what the intake needs to know of them.</summary>
    public async Task<Dictionary<string, StoredSignature>> FindAsync(int campaignId, IReadOnlyCollection<byte[]> emailKeys, CancellationToken cancellationToken = default)
    {
        var found = new Dictionary<string, StoredSignature>();
        const string select = """SELECT "Id", "EmailKey", "State", "ConfirmationTokenExpiresAt", "HeldBecause", "RepeatEmailAt" FROM "Signatures" WHERE "CampaignId" = @campaign""";
        await using var command = Command(IsPostgres ? $"""{select} AND "EmailKey" = ANY(@keys)""" : $"""{select} AND "EmailKey" = @keys""");
        command.AddParameter("@campaign", campaignId);
        if (IsPostgres)
        {
            command.AddParameter("@keys", emailKeys.ToArray());
            await ReadAsync(command);
        }
        else
        {
            var key = command.AddParameter("@keys", Array.Empty<byte>());
            await command.PrepareAsync(cancellationToken);
            foreach (var emailKey in emailKeys)
            {
                key.Value = emailKey;
                await ReadAsync(command);
            }
        }

        return found;

        async Task ReadAsync(DbCommand query)
        {
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var stored = new StoredSignature(
                    reader.GetInt64(0),
                    reader.GetString(2),
                    await reader.IsDBNullAsync(3, cancellationToken) ? null : reader.GetDateTime(3),
                    await reader.IsDBNullAsync(4, cancellationToken) ? null : reader.GetString(4),
                    await reader.IsDBNullAsync(5, cancellationToken) ? null : reader.GetDateTime(5));
                found[Convert.ToHexString((byte[])reader.GetValue(1))] = stored;
            }
        }
    }

    public Task InsertAsync(IReadOnlyCollection<Signature> signatures, CancellationToken cancellationToken = default) =>
        InsertAsync("Signatures", SignatureColumns, signatures, cancellationToken);

    public Task InsertAsync(IReadOnlyCollection<OutboxMessage> messages, CancellationToken cancellationToken = default) =>
        InsertAsync("OutboxMessages", OutboxColumns, messages, cancellationToken);

    /// <summary>
    /// Puts a new signature in the place of a stored one (same id, same email key): a person signing
    /// with an address whose earlier signature was set aside as a script's.
    /// </summary>
    public async Task ReplaceAsync(long signatureId, Signature signature, CancellationToken cancellationToken = default)
    {
        // The campaign and the email key stay: they are what made this the same signature.
        var replaced = SignatureColumns.Where(column => column.Name is not ("CampaignId" or "EmailKey")).ToList();
        await using var command = Command(
            $"""UPDATE "Signatures" SET {string.Join(", ", replaced.Select(c => $"\"{c.Name}\" = @{c.Name}"))} WHERE "Id" = @id""");
        command.AddParameter("@id", signatureId);
        foreach (var column in replaced)
        {
            command.AddParameter("@" + column.Name, ParameterValue(column, signature));
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records proof-of-work challenges as spent and returns those that were spent before (by hex
    /// nonce): the unique key decides, on every server and across restarts. Expired records go first.
    /// </summary>
    public async Task<HashSet<string>> SpendAsync(IReadOnlyCollection<SpentChallenge> challenges, DateTime now, bool purgeExpired, CancellationToken cancellationToken = default)
    {
        if (purgeExpired)
        {
            await using var purge = Command("""DELETE FROM "SpentChallenges" WHERE "ExpiresAt" < @now""");
            purge.AddParameter("@now", now);
            await purge.ExecuteNonQueryAsync(cancellationToken);
        }

        var spentBefore = new HashSet<string>(StringComparer.Ordinal);
        if (IsPostgres)
        {
            await using var command = Command(
                """INSERT INTO "SpentChallenges" ("Nonce", "ExpiresAt") SELECT * FROM unnest(@nonces, @expires) ON CONFLICT DO NOTHING RETURNING "Nonce" """);
            command.AddParameter("@nonces", challenges.Select(c => c.Nonce).ToArray());
            command.AddParameter("@expires", challenges.Select(c => c.ExpiresAt).ToArray());
            var inserted = new HashSet<string>(StringComparer.Ordinal);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    inserted.Add(Convert.ToHexString((byte[])reader.GetValue(0)));
                }
            }

            spentBefore.UnionWith(challenges.Select(c => Convert.ToHexString(c.Nonce)).Where(nonce => !inserted.Contains(nonce)));
            return spentBefore;
        }

        await using var insert = Command("""INSERT INTO "SpentChallenges" ("Nonce", "ExpiresAt") VALUES (@nonce, @expires) ON CONFLICT DO NOTHING""");
        var nonceValue = insert.AddParameter("@nonce", Array.Empty<byte>());
        var expiresValue = insert.AddParameter("@expires", now);
        await insert.PrepareAsync(cancellationToken);
        foreach (var challenge in challenges)
        {
            nonceValue.Value = challenge.Nonce;
            expiresValue.Value = challenge.ExpiresAt;
            if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                spentBefore.Add(Convert.ToHexString(challenge.Nonce));
            }
        }

        return spentBefore;
    }

    /// <summary>
    /// Records that this signature's owner is being emailed because someone signed again, unless they
    /// were after <paramref name="since"/>: true when this statement recorded it. The condition is read
    /// after any row lock, so two servers at once cannot both send one.
    /// </summary>
    public async Task<bool> ClaimRepeatEmailAsync(long signatureId, DateTime now, DateTime since, CancellationToken cancellationToken = default)
    {
        await using var command = Command(
            """UPDATE "Signatures" SET "RepeatEmailAt" = @now WHERE "Id" = @id AND ("RepeatEmailAt" IS NULL OR "RepeatEmailAt" <= @since)""");
        command.AddParameter("@now", now);
        command.AddParameter("@id", signatureId);
        command.AddParameter("@since", since);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// How many campaigns emailed this address after <paramref name="since"/> because someone signed
    /// again: each records only its latest such email, and sends at most one a period, so within one
    /// period this is the number of those emails.
    /// </summary>
    public async Task<int> CountRepeatEmailsAsync(byte[] emailKey, DateTime since, CancellationToken cancellationToken = default)
    {
        await using var command = Command("""SELECT COUNT(*) FROM "Signatures" WHERE "EmailKey" = @key AND "RepeatEmailAt" > @since""");
        command.AddParameter("@key", emailKey);
        command.AddParameter("@since", since);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A pending signature's confirmation link changed (its old one was about to expire).</summary>
    public async Task SetConfirmationTokenAsync(long signatureId, byte[] tokenHash, DateTime expiresAt, CancellationToken cancellationToken = default)
    {
        await using var command = Command("""UPDATE "Signatures" SET "ConfirmationTokenHash" = @hash, "ConfirmationTokenExpiresAt" = @expires WHERE "Id" = @id""");
        command.AddParameter("@hash", tokenHash);
        command.AddParameter("@expires", expiresAt);
        command.AddParameter("@id", signatureId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Moves these signatures from pending to confirmed and returns exactly the rows this statement
    /// moved (RETURNING) that now count: a signature confirmed twice, or by another server at the
    /// same moment, is returned, and so counted, once; a held or set-aside one is confirmed but not
    /// returned. The condition is read in the same statement, after any row lock, so a moderator's
    /// invalidation committing at that moment is either seen here or sees the confirmation.
    /// </summary>
    public async Task<List<(int CampaignId, string CountryCode)>> ConfirmAsync(IReadOnlyCollection<long> signatureIds, DateTime now, CancellationToken cancellationToken = default)
    {
        var update = $"""UPDATE "Signatures" SET "State" = {SignatureSql.Literal(SignatureState.Confirmed)}, "ConfirmedAt" = @now WHERE {SignatureSql.Is(SignatureState.Pending)}""";
        var returning = $"""RETURNING "CampaignId", "CountryCode", {SignatureSql.Counts}""";
        await using var command = Command(IsPostgres
            ? $"""{update} AND "Id" = ANY(@ids) {returning}"""
            : $"""{update} AND "Id" IN (SELECT value FROM json_each(@ids)) {returning}""");
        command.AddParameter("@now", now);
        command.AddParameter("@ids", IsPostgres ? signatureIds.ToArray() : JsonSerializer.Serialize(signatureIds));

        var confirmed = new List<(int, string)>(signatureIds.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetBoolean(2))
            {
                confirmed.Add((reader.GetInt32(0), reader.GetString(1)));
            }
        }

        return confirmed;
    }

    /// <summary>
    /// Inserts the rows in one binary COPY on PostgreSQL, and with one prepared statement run per row
    /// on SQLite; both write exactly <paramref name="columns"/>.
    /// </summary>
    private async Task InsertAsync<T>(string table, Column<T>[] columns, IReadOnlyCollection<T> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var columnList = string.Join(", ", columns.Select(c => $"\"{c.Name}\""));
        if (IsPostgres)
        {
            await using var importer = await ((NpgsqlConnection)connection).BeginBinaryImportAsync(
                $"""COPY "{table}" ({columnList}) FROM STDIN (FORMAT BINARY)""", cancellationToken);
            foreach (var row in rows)
            {
                await importer.StartRowAsync(cancellationToken);
                foreach (var column in columns)
                {
                    await (column.Value(row) is { } value
                        ? importer.WriteAsync(value, column.Type, cancellationToken)
                        : importer.WriteNullAsync(cancellationToken));
                }
            }

            await importer.CompleteAsync(cancellationToken);
            return;
        }

        await using var command = Command($"""INSERT INTO "{table}" ({columnList}) VALUES ({string.Join(", ", columns.Select(c => "@" + c.Name))})""");
        var parameters = columns.Select(column => command.AddParameter("@" + column.Name, DBNull.Value)).ToArray();
        await command.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            for (var i = 0; i < columns.Length; i++)
            {
                parameters[i].Value = ParameterValue(columns[i], row);
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Takes the host out of the signature's consents in one statement, so two unsubscribes at once
    /// (from two hosts' emails) cannot undo each other. A signature without that consent is left as it is.
    /// </summary>
    public static Task<int> RemoveConsentAsync(CountersignDb db, long signatureId, int hostId, CancellationToken cancellationToken = default) =>
        db.Database.IsNpgsql()
            ? db.Database.ExecuteSqlAsync(
                $"""UPDATE "Signatures" SET "UpdatesFromHostIds" = array_remove("UpdatesFromHostIds", {hostId}) WHERE "Id" = {signatureId} AND {hostId} = ANY("UpdatesFromHostIds")""",
                cancellationToken)
            : db.Database.ExecuteSqlAsync(
                $"""
                UPDATE "Signatures" SET "UpdatesFromHostIds" = (SELECT json_group_array(value) FROM json_each("UpdatesFromHostIds") WHERE value <> {hostId})
                WHERE "Id" = {signatureId} AND EXISTS (SELECT 1 FROM json_each("UpdatesFromHostIds") WHERE value = {hostId})
                """,
                cancellationToken);

    /// <summary>A column's value as a command parameter takes it.</summary>
    private object ParameterValue<T>(Column<T> column, T row) => column.Value(row) switch
    {
        null => DBNull.Value,

        // EF Core keeps SQLite's primitive collections as JSON arrays, PostgreSQL's as arrays.
        int[] ids when !IsPostgres => JsonSerializer.Serialize(ids),
        var value => value,
    };

    private DbCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }
}
