using System.Security.Claims;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// The campaign's public timeline as its organisers keep it: what they add (with a source) and the
/// mistakes they remove, each in the audit log, and the public page shown afresh.
/// </summary>
public sealed class CampaignTimeline(CountersignDb db, CampaignCache cache, TimeProvider clock)
{
    /// <summary>The campaign and its timeline, or null when there is no such campaign.</summary>
    public async Task<(Campaign Campaign, IReadOnlyList<TimelineEntry> Entries)?> FindAsync(int campaignId, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        return campaign is null
            ? null
            : (campaign, Timeline.Of(campaign, await db.CampaignEvents.AsNoTracking().Where(e => e.CampaignId == campaignId).ToListAsync(cancellationToken)));
    }

    /// <summary>Adds the event; returns its problems by field (untranslated) instead when it cannot be added.</summary>
    public async Task<Dictionary<string, string>> AddAsync(Campaign campaign, TimelineEventInput input, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var problems = input.Validate(CampaignHistory.FirstDay(campaign), CampaignHistory.LastDay(now));
        if (problems.Count > 0)
        {
            return problems;
        }

        var text = input.TrimmedText();
        db.CampaignEvents.Add(new CampaignEvent { CampaignId = campaign.Id, Kind = input.Kind!, Day = input.ParsedDay()!.Value, Text = text, SourceUrl = input.TrimmedSource(), CreatedAt = now });
        db.Record(by, AuditAction.TimelineEventAdded, campaign.Id, now, $"{input.Kind}: {text}");
        await db.SaveChangesAsync(cancellationToken);
        cache.Forget(campaign.Slug);
        return problems;
    }

    /// <summary>Removes an event the organisers added; false when there is none such on this campaign.</summary>
    public async Task<bool> RemoveAsync(Campaign campaign, long eventId, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        // Milestones are Countersign's record of the count, not the organisers' to take back.
        var removed = await db.CampaignEvents.FirstOrDefaultAsync(e => e.Id == eventId && e.CampaignId == campaign.Id && e.Milestone == null, cancellationToken);
        if (removed is null)
        {
            return false;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        db.CampaignEvents.Remove(removed);
        db.Record(by, AuditAction.TimelineEventRemoved, campaign.Id, now, $"{removed.Kind} of {removed.Day:yyyy-MM-dd}: {removed.Text}");
        await db.SaveChangesAsync(cancellationToken);
        cache.Forget(campaign.Slug);
        return true;
    }
}
