using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Localisation;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Updates;

/// <summary>Hiding a published update, and showing a hidden one again, with the reason kept in the audit log.</summary>
public sealed class UpdateVisibility(CountersignDb db, CampaignCache campaigns, TimeProvider clock, IStringLocalizer<SharedResource> t)
{
    /// <summary>The states a hide (or a restore) moves an update from and to.</summary>
    public static (string From, string To) Move(bool hide) =>
        hide ? (UpdateState.Published, UpdateState.Hidden) : (UpdateState.Hidden, UpdateState.Published);

    /// <summary>
    /// Hides a published update (<paramref name="hide"/>) or shows a hidden one again, with a reason for
    /// the audit log. Hidden, it is off the campaign page and its JSON, and its emails still to go are
    /// not sent; shown again, the emails skipped when it was hidden stay unsent. A problem with the
    /// reason is the outcome's message, with <see cref="UpdateResult.Invalid"/>.
    /// </summary>
    public async Task<UpdateOutcome> ChangeAsync(Campaign campaign, CampaignUpdate update, bool hide, string? reason, ClaimsPrincipal organiser, CancellationToken cancellationToken)
    {
        if (update.State != Move(hide).From)
        {
            return UpdateOutcome.Refused(hide ? t["Only a published update can be hidden."] : t["This update is not hidden."]);
        }

        var trimmed = (reason ?? "").Trim();
        if (trimmed.Length == 0)
        {
            return new UpdateOutcome(UpdateResult.Invalid, t["Give a reason: it is kept in the audit log."]);
        }

        if (trimmed.Length > CampaignUpdate.ReasonMaxLength)
        {
            return new UpdateOutcome(UpdateResult.Invalid, t.Plural("The reason can be at most {0, plural, one {# character} other {# characters}} long.", CampaignUpdate.ReasonMaxLength));
        }

        if (!await MoveAsync(organiser, update, hide, trimmed, clock.GetUtcNow().UtcDateTime, cancellationToken))
        {
            return UpdateOutcome.Refused(t["Someone changed this update at the same moment. Reload the page to see where it stands."]);
        }

        campaigns.Forget(campaign.Slug);
        return new UpdateOutcome(UpdateResult.Done, hide
            ? t["The update is hidden: it no longer shows on the campaign page, and its emails not sent yet will not be."]
            : t["The update shows on the campaign page again."], Update: update);
    }

    /// <summary>
    /// Makes the move as a conditional UPDATE, so of two people deciding at once one wins; hiding
    /// skips the update's emails not sent yet (and withdraws those waiting in the outbox) in the same
    /// transaction as the move and its audit entry. False when the update had left the state meanwhile.
    /// </summary>
    private async Task<bool> MoveAsync(ClaimsPrincipal staff, CampaignUpdate update, bool hide, string reason, DateTime now, CancellationToken cancellationToken)
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
