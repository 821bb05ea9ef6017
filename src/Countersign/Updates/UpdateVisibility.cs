using System.Globalization;
using System.Security.Claims;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Updates;

/// <summary>Hiding a published update, and showing a hidden one again, with the reason kept in the audit log.</summary>
public static class UpdateVisibility
{
    /// <summary>The states a hide (or a restore) moves an update from and to.</summary>
    public static (string From, string To) Move(bool hide) =>
        hide ? (UpdateState.Published, UpdateState.Hidden) : (UpdateState.Hidden, UpdateState.Published);

    /// <summary>
    /// Makes the move as a conditional UPDATE, so of two people deciding at once one wins; hiding
    /// skips the update's emails not sent yet (and withdraws those waiting in the outbox) in the same
    /// transaction as the move and its audit entry. False when the update had left the state meanwhile.
    /// </summary>
    public static async Task<bool> MoveAsync(CountersignDb db, ClaimsPrincipal staff, CampaignUpdate update, bool hide, string reason, DateTime now, CancellationToken cancellationToken)
    {
        var (from, to) = Move(hide);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var moved = await db.CampaignUpdates.Where(u => u.Id == update.Id && u.State == from)
            .ExecuteUpdateAsync(u => u.SetProperty(x => x.State, to), cancellationToken);
        if (moved == 0)
        {
            return false;
        }

        if (hide)
        {
            await UpdateDeliveries.SkipForUpdateAsync(db, update.Id, cancellationToken);
        }

        db.Record(staff, hide ? AuditAction.UpdateHidden : AuditAction.UpdateRestored, update.CampaignId, now,
            string.Create(CultureInfo.InvariantCulture, $"Update {update.Id}: {reason}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }
}
