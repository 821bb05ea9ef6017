using Countersign.Data;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>The moves Countersign makes by itself (closing at the deadline, sending to review), saved against moves people make at the same time.</summary>
public static class AutomaticMoves
{
    /// <summary>
    /// Finds and moves the campaigns (<paramref name="makeMoves"/>), then saves. A campaign's state is a concurrency token:
    /// when one moved meanwhile (an organiser withdrawing it, a supporter's confirmation, another server's pass), the
    /// moves are made again from what is stored now, up to three times in all. Returns the campaigns moved.
    /// </summary>
    public static async Task<List<Campaign>> SaveMovesAsync(this CountersignDb db, Func<Task<List<Campaign>>> makeMoves, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var moved = await makeMoves();
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return moved;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                db.ChangeTracker.Clear();
            }
        }
    }
}
