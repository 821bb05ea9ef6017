using System.Data.Common;
using System.Text.Json;
using Countersign.Data;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;
using NpgsqlTypes;

namespace Countersign.Campaigns;

/// <summary>
/// Writes large numbers of already-confirmed synthetic signatures (demo data, load measurements)
/// straight to the table, in chunks, with their counters. Never used for real signers, whose
/// signatures go through the intake.
/// </summary>
public static class BulkSignatures
{
    public const int ChunkSize = 10_000;

    private static readonly string[] Columns =
    [
        "CampaignId", "NameCiphertext", "EmailCiphertext", "EmailKey", "PostcodeCiphertext", "CountryCode", "PublicName", "ShowNamePublicly",
        "UpdatesFromHostIds", "Locale", "State", "IsDemo", "CreatedAt", "ConfirmedAt", "ConfirmationTokenHash", "ConfirmationTokenExpiresAt",
    ];

    /// <summary>Stores the signatures and adds them to the campaign's counters; reports progress after each chunk.</summary>
    public static async Task InsertConfirmedAsync(CountersignDb db, int campaignId, IEnumerable<Signature> signatures, Action<int>? progress, CancellationToken cancellationToken)
    {
        var byCountry = new Dictionary<string, int>();
        var byDay = new Dictionary<DateOnly, int>();
        var written = 0;
        foreach (var chunk in signatures.Chunk(ChunkSize))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            if (db.Database.IsNpgsql())
            {
                await CopyAsync((NpgsqlConnection)db.Database.GetDbConnection(), chunk, cancellationToken);
            }
            else
            {
                await InsertAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), chunk, cancellationToken);
            }

            var chunkByCountry = chunk.GroupBy(s => s.CountryCode).ToDictionary(g => g.Key, g => g.Count());
            var chunkByDay = chunk.GroupBy(s => DateOnly.FromDateTime(s.ConfirmedAt!.Value)).ToDictionary(g => g.Key, g => g.Count());
            await Counters.AddAsync(db, campaignId, chunkByCountry, chunkByDay);
            await transaction.CommitAsync(cancellationToken);

            written += chunk.Length;
            progress?.Invoke(written);
        }
    }

    private static async Task InsertAsync(DbConnection connection, DbTransaction transaction, Signature[] chunk, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""INSERT INTO "Signatures" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", Columns.Select(c => "@" + c))})""";
        var parameters = Columns.ToDictionary(c => c, c =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + c;
            command.Parameters.Add(parameter);
            return parameter;
        });
        await command.PrepareAsync(cancellationToken);

        foreach (var signature in chunk)
        {
            parameters["CampaignId"].Value = signature.CampaignId;
            parameters["NameCiphertext"].Value = signature.NameCiphertext;
            parameters["EmailCiphertext"].Value = signature.EmailCiphertext;
            parameters["EmailKey"].Value = signature.EmailKey;
            parameters["PostcodeCiphertext"].Value = (object?)signature.PostcodeCiphertext ?? DBNull.Value;
            parameters["CountryCode"].Value = signature.CountryCode;
            parameters["PublicName"].Value = (object?)signature.PublicName ?? DBNull.Value;
            parameters["ShowNamePublicly"].Value = signature.ShowNamePublicly;

            // EF Core keeps SQLite's primitive collections as JSON arrays.
            parameters["UpdatesFromHostIds"].Value = JsonSerializer.Serialize(signature.UpdatesFromHostIds);
            parameters["Locale"].Value = signature.Locale;
            parameters["State"].Value = signature.State;
            parameters["IsDemo"].Value = signature.IsDemo;
            parameters["CreatedAt"].Value = signature.CreatedAt;
            parameters["ConfirmedAt"].Value = (object?)signature.ConfirmedAt ?? DBNull.Value;
            parameters["ConfirmationTokenHash"].Value = (object?)signature.ConfirmationTokenHash ?? DBNull.Value;
            parameters["ConfirmationTokenExpiresAt"].Value = (object?)signature.ConfirmationTokenExpiresAt ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task CopyAsync(NpgsqlConnection connection, Signature[] chunk, CancellationToken cancellationToken)
    {
        var copy = $"""COPY "Signatures" ({string.Join(", ", Columns.Select(c => $"\"{c}\""))}) FROM STDIN (FORMAT BINARY)""";
        await using var importer = await connection.BeginBinaryImportAsync(copy, cancellationToken);
        foreach (var signature in chunk)
        {
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(signature.CampaignId, NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(signature.NameCiphertext, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(signature.EmailCiphertext, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(signature.EmailKey, NpgsqlDbType.Bytea, cancellationToken);
            await WriteNullableAsync(importer, signature.PostcodeCiphertext, NpgsqlDbType.Bytea, cancellationToken);
            await importer.WriteAsync(signature.CountryCode, NpgsqlDbType.Varchar, cancellationToken);
            await WriteNullableAsync(importer, signature.PublicName, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(signature.ShowNamePublicly, NpgsqlDbType.Boolean, cancellationToken);
            await importer.WriteAsync(signature.UpdatesFromHostIds.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer, cancellationToken);
            await importer.WriteAsync(signature.Locale, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(signature.State, NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(signature.IsDemo, NpgsqlDbType.Boolean, cancellationToken);
            await importer.WriteAsync(signature.CreatedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(importer, signature.ConfirmedAt, NpgsqlDbType.TimestampTz, cancellationToken);
            await WriteNullableAsync(importer, signature.ConfirmationTokenHash, NpgsqlDbType.Bytea, cancellationToken);
            await WriteNullableAsync(importer, signature.ConfirmationTokenExpiresAt, NpgsqlDbType.TimestampTz, cancellationToken);
        }

        await importer.CompleteAsync(cancellationToken);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter importer, T? value, NpgsqlDbType type, CancellationToken cancellationToken) =>
        value is null ? importer.WriteNullAsync(cancellationToken) : importer.WriteAsync(value, type, cancellationToken);
}
