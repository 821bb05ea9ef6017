using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Email;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;

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
        var erased = await UncountAsync(db, await ErasureStatements.EraseSignatureAsync(db, transaction, campaignId, emailKey, cancellationToken), cancellationToken);
        await db.Comments.Where(c => c.CampaignId == campaignId && c.EmailKey == emailKey).ExecuteDeleteAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ErasureStatements.TruncateSqliteLogAsync(db, cancellationToken);
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
            await ErasureStatements.WipeCampaignAsync(db, transaction, campaignId, cancellationToken);

            // A comment is nothing but a person's words under their name: with the key gone it is
            // unreadable anyway, and the row goes too.
            await db.Comments.Where(c => c.CampaignId == campaignId).ExecuteDeleteAsync(cancellationToken);

            // An organisation's signature of the letter stays on it, as a public record; the person who authorised
            // it does not: their details go, like a signer's, and so does the keyed hash of their address.
            await db.CoSignatures.Where(s => s.CampaignId == campaignId).ExecuteUpdateAsync(s => s
                .SetProperty(x => x.ContactNameCiphertext, Array.Empty<byte>())
                .SetProperty(x => x.ContactRoleCiphertext, Array.Empty<byte>())
                .SetProperty(x => x.ContactEmailCiphertext, Array.Empty<byte>())
                .SetProperty(x => x.EmailKey, Array.Empty<byte>())
                .SetProperty(x => x.ConfirmationTokenHash, (byte[]?)null), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        keys.Forget(campaignId);
        await ErasureStatements.TruncateSqliteLogAsync(db, cancellationToken);
        return true;
    }

    /// <summary>Erases every signature still pending that was made before <paramref name="before"/>; returns how many.</summary>
    public static async Task<int> ErasePendingAsync(CountersignDb db, DateTime before, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var erased = await UncountAsync(db, await ErasureStatements.ErasePendingAsync(db, transaction, before, cancellationToken), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await ErasureStatements.TruncateSqliteLogAsync(db, cancellationToken);
        return erased;
    }

    /// <summary>
    /// Deletes every organisation's co-signature whose contact had still not confirmed their address before
    /// <paramref name="before"/>; returns how many. None of them was ever shown, or can be anyone's parent.
    /// </summary>
    public static async Task<int> ErasePendingCoSignaturesAsync(CountersignDb db, DateTime before, CancellationToken cancellationToken = default)
    {
        var erased = await db.CoSignatures.Where(s => s.State == Letters.CoSignatureState.Pending && s.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
        if (erased > 0)
        {
            await ErasureStatements.TruncateSqliteLogAsync(db, cancellationToken);
        }

        return erased;
    }

    /// <summary>Deletes every comment whose email was still not confirmed before <paramref name="before"/>; returns how many.</summary>
    public static async Task<int> ErasePendingCommentsAsync(CountersignDb db, DateTime before, CancellationToken cancellationToken = default)
    {
        var erased = await db.Comments.Where(c => c.State == CommentState.Pending && c.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
        if (erased > 0)
        {
            await ErasureStatements.TruncateSqliteLogAsync(db, cancellationToken);
        }

        return erased;
    }

    /// <summary>
    /// Takes the erased rows that counted off the counters. Confirmed signers may have update emails
    /// still to go: those are called off in the same transaction. Returns how many rows were erased.
    /// </summary>
    private static async Task<int> UncountAsync(CountersignDb db, List<ErasedSignature> erased, CancellationToken cancellationToken)
    {
        await Counters.ChangeAsync(db, erased.Where(row => row.Counted).Select(row => (row.CampaignId, row.CountryCode, DateOnly.FromDateTime(row.ConfirmedAt!.Value))), -1);
        await UpdateDeliveries.SkipForSignaturesAsync(db, erased.Where(row => row.ConfirmedAt is not null).Select(row => row.Id).ToList(), cancellationToken);
        return erased.Count;
    }
}
