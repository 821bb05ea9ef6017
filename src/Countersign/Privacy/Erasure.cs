using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Countersign.Privacy;

/// <summary>
/// Erasing signers' personal data. An erased signature keeps only what no one can trace to a
/// person (its campaign, country, dates and state), so the campaign's figures by country and day
/// stay true; its name, email, postcode, address hashes and token are gone, and its email key is
/// replaced by random bytes, so nothing in the database says the address ever signed (and the
/// person may sign again). A signature that counted stops counting in the same transaction.
/// </summary>
public static class Erasure
{
    /// <summary>Erases one signature, named by its campaign and email key; false when there is none to erase.</summary>
    public static async Task<bool> EraseAsync(CountersignDb db, int campaignId, byte[] emailKey, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var erased = await EraseWhereAsync(db, transaction, """ "CampaignId" = @campaign AND "EmailKey" = @key AND "State" <> 'erased' """, campaignId, emailKey, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return erased > 0;
    }

    /// <summary>Erases every signature still pending that was made before <paramref name="before"/>; returns how many.</summary>
    public static async Task<int> ErasePendingAsync(CountersignDb db, DateTime before, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var erased = await EraseWhereAsync(db, transaction, """ "State" = 'pending' AND "CreatedAt" < @before """, before, null, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return erased;
    }

    /// <summary>
    /// Runs the erasing UPDATE on the rows matching <paramref name="where"/> and takes the counted
    /// ones off the counters. Only a confirmation sets ConfirmedAt, and the erasure leaves it, so
    /// RETURNING tells which rows counted, read after any row lock: a confirmation committing at
    /// the same moment is either seen here or finds the row erased.
    /// </summary>
    private static async Task<int> EraseWhereAsync(CountersignDb db, IDbContextTransaction transaction, string where, object first, byte[]? emailKey, CancellationToken cancellationToken)
    {
        var connection = db.Database.GetDbConnection();
        var randomKey = connection is NpgsqlConnection ? "sha256(uuid_send(gen_random_uuid()))" : "randomblob(32)";
        await using var command = connection.CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        command.CommandText =
            $"""
            UPDATE "Signatures" SET "State" = 'erased', "NameCiphertext" = @empty, "EmailCiphertext" = @empty, "EmailKey" = {randomKey},
                "PostcodeCiphertext" = NULL, "PublicName" = NULL, "ShowNamePublicly" = FALSE, "ConfirmationTokenHash" = NULL,
                "ConfirmationTokenExpiresAt" = NULL, "AddressHash" = NULL, "NetworkHash" = NULL, "EmailDomainKey" = NULL
            WHERE {where}
            RETURNING "CampaignId", "CountryCode", "ConfirmedAt", "ConfirmedAt" IS NOT NULL AND "HeldBecause" IS NULL AND "InvalidationId" IS NULL
            """;
        AddParameter(command, "@empty", Array.Empty<byte>());
        AddParameter(command, where.Contains("@before", StringComparison.Ordinal) ? "@before" : "@campaign", first);
        if (emailKey is not null)
        {
            AddParameter(command, "@key", emailKey);
        }

        var uncounted = new List<(int CampaignId, string CountryCode, DateOnly Day)>();
        var erased = 0;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                erased++;
                if (reader.GetBoolean(3))
                {
                    uncounted.Add((reader.GetInt32(0), reader.GetString(1), DateOnly.FromDateTime(reader.GetDateTime(2))));
                }
            }
        }

        foreach (var campaign in uncounted.GroupBy(u => u.CampaignId))
        {
            await Counters.AddAsync(db, campaign.Key,
                campaign.GroupBy(u => u.CountryCode).ToDictionary(g => g.Key, g => -g.Count()),
                campaign.GroupBy(u => u.Day).ToDictionary(g => g.Key, g => -g.Count()));
        }

        return erased;
    }

    private static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
