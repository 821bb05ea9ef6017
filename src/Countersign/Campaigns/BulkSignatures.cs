using Countersign.Data;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Countersign.Campaigns;

/// <summary>
/// Writes large numbers of already-confirmed synthetic signatures (demo data, load measurements)
/// straight to the table, in chunks, with their counters. Never used for real signers, whose
/// signatures go through the intake.
/// </summary>
public static class BulkSignatures
{
    public const int ChunkSize = 10_000;

    /// <summary>Stores the signatures and adds them to the campaign's counters; reports progress after each chunk.</summary>
    public static async Task InsertConfirmedAsync(CountersignDb db, int campaignId, IEnumerable<Signature> signatures, Action<int>? progress, CancellationToken cancellationToken)
    {
        var written = 0;
        foreach (var chunk in signatures.Chunk(ChunkSize))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            await new SignatureRows(db.Database.GetDbConnection(), transaction.GetDbTransaction()).InsertAsync(chunk, cancellationToken);

            var chunkByCountry = chunk.GroupBy(s => s.CountryCode).ToDictionary(g => g.Key, g => g.Count());
            var chunkByDay = chunk.GroupBy(s => DateOnly.FromDateTime(s.ConfirmedAt!.Value)).ToDictionary(g => g.Key, g => g.Count());
            await Counters.AddAsync(db, campaignId, chunkByCountry, chunkByDay);
            await transaction.CommitAsync(cancellationToken);

            written += chunk.Length;
            progress?.Invoke(written);
        }
    }
}
