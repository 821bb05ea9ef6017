using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Signing;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Countersign.Abuse;

/// <summary>
/// What moderators do to groups of signatures: set them aside, undo that, release held ones. Each
/// is one UPDATE … RETURNING in a transaction with the counters, so the count follows exactly the
/// rows that changed, even while signatures are being confirmed at the same moment. The campaign's public
/// page is shown afresh after each.
/// </summary>
public sealed class SignatureModeration(CountersignDb db, CampaignCache cache, TimeProvider clock)
{
    /// <summary>Sets the group's signatures aside (they no longer count) under one invalidation, which can be undone.</summary>
    public async Task<Invalidation> InvalidateAsync(Campaign campaign, SignatureGroup group, string description, ClaimsPrincipal staff, CancellationToken cancellationToken = default)
    {
        OfTheCampaign(campaign, group.CampaignId);
        var now = clock.GetUtcNow().UtcDateTime;
        var staffEmail = staff.Identity?.Name ?? "";
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var invalidation = new Invalidation
        {
            CampaignId = group.CampaignId,
            Description = description.Length > Invalidation.DescriptionMaxLength ? description[..Invalidation.DescriptionMaxLength] : description,
            InvalidatedBy = staffEmail,
            InvalidatedAt = now,
        };
        db.Invalidations.Add(invalidation);
        await db.SaveChangesAsync(cancellationToken);

        // Before this statement the rows had no invalidation, so they counted if confirmed and not held.
        var changed = await UpdateAsync(transaction,
            """SET "InvalidationId" = @invalidation""",
            $"""
            "InvalidationId" IS NULL AND {SignatureSql.IsIn(SignatureState.Pending, SignatureState.Confirmed)}
            """,
            SignatureSql.CountedBeforeSettingAside,
            group, ("@invalidation", invalidation.Id), cancellationToken);
        invalidation.SignatureCount = changed.Count;
        invalidation.CountedCount = changed.Count(row => row.Counted);
        await CountAsync(group.CampaignId, changed, -1);
        db.Record(staff, AuditAction.SignaturesSetAside, group.CampaignId, now,
            string.Create(CultureInfo.InvariantCulture, $"{invalidation.Description}: {invalidation.SignatureCount} set aside, {invalidation.CountedCount} had counted"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        cache.Forget(campaign.Slug);
        return invalidation;
    }

    /// <summary>Counts an invalidation's signatures again; false when it was undone already.</summary>
    public async Task<bool> UndoAsync(Campaign campaign, Invalidation invalidation, ClaimsPrincipal staff, CancellationToken cancellationToken = default)
    {
        OfTheCampaign(campaign, invalidation.CampaignId);
        var now = clock.GetUtcNow().UtcDateTime;
        var staffEmail = staff.Identity?.Name ?? "";
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var marked = await db.Invalidations.Where(i => i.Id == invalidation.Id && i.UndoneAt == null)
            .ExecuteUpdateAsync(i => i.SetProperty(x => x.UndoneAt, now).SetProperty(x => x.UndoneBy, staffEmail), cancellationToken);
        if (marked == 0)
        {
            cache.Forget(campaign.Slug);
            return false;
        }

        var changed = await UpdateAsync(transaction,
            """SET "InvalidationId" = NULL""", """ "InvalidationId" = @invalidation """, SignatureSql.Counts,
            new SignatureGroup(invalidation.CampaignId), ("@invalidation", invalidation.Id), cancellationToken);
        await CountAsync(invalidation.CampaignId, changed, +1);
        db.Record(staff, AuditAction.SetAsideUndone, invalidation.CampaignId, now,
            string.Create(CultureInfo.InvariantCulture, $"{invalidation.Description}: {changed.Count(row => row.Counted)} count again"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        cache.Forget(campaign.Slug);
        return true;
    }

    /// <summary>Lets the group's held signatures count (those confirmed and not set aside); returns how many were released.</summary>
    public async Task<int> ReleaseAsync(Campaign campaign, SignatureGroup group, string description, ClaimsPrincipal staff, CancellationToken cancellationToken = default)
    {
        OfTheCampaign(campaign, group.CampaignId);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var changed = await UpdateAsync(transaction,
            """SET "HeldBecause" = NULL""", """ "HeldBecause" IS NOT NULL """, SignatureSql.Counts, group, null, cancellationToken);
        await CountAsync(group.CampaignId, changed, +1);
        db.Record(staff, AuditAction.SignaturesReleased, group.CampaignId, now,
            string.Create(CultureInfo.InvariantCulture, $"{description}: {changed.Count} released"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        cache.Forget(campaign.Slug);
        return changed.Count;
    }

    /// <summary>Refuses a group or invalidation of another campaign than the one whose page is forgotten: a mix-up, never to be acted on.</summary>
    private static void OfTheCampaign(Campaign campaign, int campaignId)
    {
        if (campaign.Id != campaignId)
        {
            throw new ArgumentException($"Signatures of campaign {campaignId} were to be moderated from campaign {campaign.Id}.", nameof(campaign));
        }
    }

    /// <summary>Adds (+1) or takes off (-1) the changed rows that count to the campaign's counters.</summary>
    private Task CountAsync(int campaignId, List<ChangedRow> changed, int by) =>
        Counters.ChangeAsync(db, changed.Where(row => row.Counted).Select(row => (campaignId, row.CountryCode, DateOnly.FromDateTime(row.ConfirmedAt!.Value))), by);

    private sealed record ChangedRow(string CountryCode, DateTime? ConfirmedAt, bool Counted);

    /// <summary>Runs one UPDATE on the group's signatures and returns, for each changed row, whether it counts per <paramref name="countedSql"/>.</summary>
    private async Task<List<ChangedRow>> UpdateAsync(IDbContextTransaction transaction, string set, string condition, string countedSql,
        SignatureGroup group, (string Name, long Value)? extra, CancellationToken cancellationToken)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = transaction.GetDbTransaction();
        var where = new List<string> { """ "CampaignId" = @campaign """, condition };
        command.AddParameter("@campaign", group.CampaignId);
        if (extra is { } parameter)
        {
            command.AddParameter(parameter.Name, parameter.Value);
        }

        if (group.NetworkHash is { } network)
        {
            where.Add(""" "NetworkHash" = @network """);
            command.AddParameter("@network", network);
        }

        if (group.EmailDomainKey is { } domain)
        {
            where.Add(""" "EmailDomainKey" = @domain """);
            command.AddParameter("@domain", domain);
        }

        if (group.From is { } from)
        {
            where.Add(""" "CreatedAt" >= @from """);
            command.AddParameter("@from", from);
        }

        if (group.Until is { } until)
        {
            where.Add(""" "CreatedAt" < @until """);
            command.AddParameter("@until", until);
        }

        command.CommandText = $"""UPDATE "Signatures" {set} WHERE {string.Join(" AND ", where)} RETURNING "CountryCode", "ConfirmedAt", {countedSql}""";
        var changed = new List<ChangedRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            changed.Add(new ChangedRow(reader.GetString(0), await reader.IsDBNullAsync(1, cancellationToken) ? null : reader.GetDateTime(1), reader.GetBoolean(2)));
        }

        return changed;
    }
}
