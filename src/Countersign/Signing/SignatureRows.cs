using System.Data.Common;
using System.Text.Json;
using Countersign.Data;
using Countersign.Email;
using Npgsql;
using NpgsqlTypes;

namespace Countersign.Signing;

/// <summary>
/// Plain ADO.NET reads and writes of signature and outbox rows, for the paths that handle many at
/// once: the intake's batches and demo-load. Their SQL text never changes with the number of rows,
/// so nothing is parsed or compiled per batch: SQLite reuses one prepared statement per row (it
/// runs in-process, so a row costs microseconds), PostgreSQL gets binary COPY and array
/// parameters (one round trip whatever the batch size). Both run inside the caller's transaction.
/// </summary>
public sealed class SignatureRows(DbConnection connection, DbTransaction transaction)
{
    private static readonly string[] SignatureColumns =
    [
        "CampaignId", "NameCiphertext", "EmailCiphertext", "EmailKey", "PostcodeCiphertext", "CountryCode", "ShowNamePublicly",
        "UpdatesFromHostIds", "Locale", "State", "IsDemo", "CreatedAt", "ConfirmedAt", "ConfirmationTokenHash", "ConfirmationTokenExpiresAt", "InvalidatedBecause",
        "HeldBecause", "AddressHash", "NetworkHash", "EmailDomainKey", "RepeatEmailAt",
    ];

    private static readonly string[] OutboxColumns = ["Kind", "MessageCiphertext", "CreatedAt", "NextAttemptAt", "Attempts"];

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

    public async Task InsertAsync(IReadOnlyCollection<Signature> signatures, CancellationToken cancellationToken = default)
    {
        if (signatures.Count == 0)
        {
            return;
        }

        if (IsPostgres)
        {
            await using var importer = await BeginCopyAsync("Signatures", SignatureColumns, cancellationToken);
            foreach (var signature in signatures)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(signature.CampaignId, NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(signature.NameCiphertext, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(signature.EmailCiphertext, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(signature.EmailKey, NpgsqlDbType.Bytea, cancellationToken);
                await WriteNullableAsync(importer, signature.PostcodeCiphertext, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(signature.CountryCode, NpgsqlDbType.Varchar, cancellationToken);
                await importer.WriteAsync(signature.ShowNamePublicly, NpgsqlDbType.Boolean, cancellationToken);
                await importer.WriteAsync(signature.UpdatesFromHostIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer, cancellationToken);
                await importer.WriteAsync(signature.Locale, NpgsqlDbType.Varchar, cancellationToken);
                await importer.WriteAsync(signature.State, NpgsqlDbType.Varchar, cancellationToken);
                await importer.WriteAsync(signature.IsDemo, NpgsqlDbType.Boolean, cancellationToken);
                await importer.WriteAsync(signature.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await WriteNullableAsync(importer, signature.ConfirmedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await WriteNullableAsync(importer, signature.ConfirmationTokenHash, NpgsqlDbType.Bytea, cancellationToken);
                await WriteNullableAsync(importer, signature.ConfirmationTokenExpiresAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await WriteNullableAsync(importer, signature.InvalidatedBecause, NpgsqlDbType.Varchar, cancellationToken);
                await WriteNullableAsync(importer, signature.HeldBecause, NpgsqlDbType.Varchar, cancellationToken);
                await WriteNullableAsync(importer, signature.AddressHash, NpgsqlDbType.Bytea, cancellationToken);
                await WriteNullableAsync(importer, signature.NetworkHash, NpgsqlDbType.Bytea, cancellationToken);
                await WriteNullableAsync(importer, signature.EmailDomainKey, NpgsqlDbType.Bytea, cancellationToken);
                await WriteNullableAsync(importer, signature.RepeatEmailAt, NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
            return;
        }

        await using var command = InsertCommand("Signatures", SignatureColumns);
        await command.PrepareAsync(cancellationToken);
        foreach (var signature in signatures)
        {
            var values = ColumnValues(signature);
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters[i].Value = values[i];
            }

            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task InsertAsync(IReadOnlyCollection<OutboxMessage> messages, CancellationToken cancellationToken = default)
    {
        if (messages.Count == 0)
        {
            return;
        }

        if (IsPostgres)
        {
            await using var importer = await BeginCopyAsync("OutboxMessages", OutboxColumns, cancellationToken);
            foreach (var message in messages)
            {
                await importer.StartRowAsync(cancellationToken);
                await importer.WriteAsync(message.Kind, NpgsqlDbType.Varchar, cancellationToken);
                await WriteNullableAsync(importer, message.MessageCiphertext, NpgsqlDbType.Bytea, cancellationToken);
                await importer.WriteAsync(message.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(message.NextAttemptAt, NpgsqlDbType.TimestampTz, cancellationToken);
                await importer.WriteAsync(message.Attempts, NpgsqlDbType.Integer, cancellationToken);
            }

            await importer.CompleteAsync(cancellationToken);
            return;
        }

        await using var command = InsertCommand("OutboxMessages", OutboxColumns);
        var values = command.Parameters;
        await command.PrepareAsync(cancellationToken);
        foreach (var message in messages)
        {
            values["@Kind"].Value = message.Kind;
            values["@MessageCiphertext"].Value = (object?)message.MessageCiphertext ?? DBNull.Value;
            values["@CreatedAt"].Value = message.CreatedAt;
            values["@NextAttemptAt"].Value = message.NextAttemptAt;
            values["@Attempts"].Value = message.Attempts;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Puts a new signature in the place of a stored one (same id, same email key): a person signing
    /// with an address whose earlier signature was set aside as a script's.
    /// </summary>
    public async Task ReplaceAsync(long signatureId, Signature signature, CancellationToken cancellationToken = default)
    {
        // The campaign and the email key stay: they are what made this the same signature.
        var replaced = SignatureColumns.Index().Where(column => column.Item is not ("CampaignId" or "EmailKey")).ToList();
        await using var command = Command(
            $"""UPDATE "Signatures" SET {string.Join(", ", replaced.Select(c => $"\"{c.Item}\" = @{c.Item}"))} WHERE "Id" = @id""");
        command.AddParameter("@id", signatureId);
        var values = ColumnValues(signature);
        foreach (var (index, column) in replaced)
        {
            command.AddParameter("@" + column, values[index]);
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
        const string update = """UPDATE "Signatures" SET "State" = 'confirmed', "ConfirmedAt" = @now WHERE "State" = 'pending'""";
        const string returning = $"""RETURNING "CampaignId", "CountryCode", {SignatureState.CountsSql}""";
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

    /// <summary>A signature's values in the order of <see cref="SignatureColumns"/>, as parameters take them.</summary>
    private object[] ColumnValues(Signature signature) =>
    [
        signature.CampaignId,
        signature.NameCiphertext,
        signature.EmailCiphertext,
        signature.EmailKey,
        (object?)signature.PostcodeCiphertext ?? DBNull.Value,
        signature.CountryCode,
        signature.ShowNamePublicly,

        // EF Core keeps SQLite's primitive collections as JSON arrays, PostgreSQL's as arrays.
        IsPostgres ? signature.UpdatesFromHostIds.ToArray() : JsonSerializer.Serialize(signature.UpdatesFromHostIds),
        signature.Locale,
        signature.State,
        signature.IsDemo,
        signature.CreatedAt,
        (object?)signature.ConfirmedAt ?? DBNull.Value,
        (object?)signature.ConfirmationTokenHash ?? DBNull.Value,
        (object?)signature.ConfirmationTokenExpiresAt ?? DBNull.Value,
        (object?)signature.InvalidatedBecause ?? DBNull.Value,
        (object?)signature.HeldBecause ?? DBNull.Value,
        (object?)signature.AddressHash ?? DBNull.Value,
        (object?)signature.NetworkHash ?? DBNull.Value,
        (object?)signature.EmailDomainKey ?? DBNull.Value,
        (object?)signature.RepeatEmailAt ?? DBNull.Value,
    ];

    private DbCommand Command(string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private DbCommand InsertCommand(string table, string[] columns)
    {
        var command = Command($"""INSERT INTO "{table}" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", columns.Select(c => "@" + c))})""");
        foreach (var column in columns)
        {
            command.AddParameter("@" + column, DBNull.Value);
        }

        return command;
    }

    private Task<NpgsqlBinaryImporter> BeginCopyAsync(string table, string[] columns, CancellationToken cancellationToken) =>
        ((NpgsqlConnection)connection).BeginBinaryImportAsync(
            $"""COPY "{table}" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)""", cancellationToken);

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}

/// <summary>
/// What the intake needs to know of a signature already in the table, or (<paramref name="Added"/>)
/// of one its current batch is about to insert.
/// </summary>
public sealed record StoredSignature(long Id, string State, DateTime? ConfirmationTokenExpiresAt, string? HeldBecause, DateTime? RepeatEmailAt, Signature? Added = null);
