using Countersign.Data;
using Countersign.Email;
using Countersign.Hosting;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Puts each milestone a campaign's count has reached on its timeline, dated the day the count of
/// confirmed signatures crossed it. It looks every minute rather than on the signing path, which
/// stays as short as it is at the busiest moments; a unique key records each crossing once. The
/// campaign's organisers get an email about each crossing, saved in the same transaction, so they
/// hear of it once too.
/// </summary>
public sealed partial class MilestoneJob(IServiceScopeFactory scopes, CampaignCache cache, StaffEmails emails, Outbox outbox, TimeProvider clock, ILogger<MilestoneJob> logger)
    : PeriodicJob(clock, logger)
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(1);

    protected override TimeSpan? Period => CheckEvery;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => RecordCrossedAsync(cancellationToken);

    /// <summary>Records the milestones reached and not yet on the timeline; returns how many.</summary>
    public async Task<int> RecordCrossedAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var launched = await db.Campaigns.AsNoTracking().Where(c => c.OpenedAt != null && c.SignatureCount > 0)
            .Select(c => new { c.Id, c.Slug, c.Title, c.Milestones, c.SignatureCount }).ToListAsync(cancellationToken);
        var recorded = 0;
        foreach (var campaign in launched)
        {
            var reached = campaign.Milestones.Where(m => m <= campaign.SignatureCount).ToList();
            if (reached.Count == 0)
            {
                continue;
            }

            var known = await db.CampaignEvents.Where(e => e.CampaignId == campaign.Id && e.Milestone != null).Select(e => e.Milestone!.Value).ToListAsync(cancellationToken);
            var crossed = reached.Except(known).ToList();
            if (crossed.Count == 0)
            {
                continue;
            }

            var days = await db.DayCounts.AsNoTracking().Where(d => d.CampaignId == campaign.Id).OrderBy(d => d.Day).Select(d => new { d.Day, d.Count }).ToListAsync(cancellationToken);
            foreach (var milestone in crossed)
            {
                db.CampaignEvents.Add(new CampaignEvent
                {
                    CampaignId = campaign.Id,
                    Kind = CampaignEventKind.Milestone,
                    Day = DayCrossed(days.Select(d => (d.Day, d.Count)), milestone) ?? DateOnly.FromDateTime(now),
                    Text = "",
                    Milestone = milestone,
                    CreatedAt = now,
                });
            }

            var organisers = await (
                from member in db.CampaignMembers
                where member.CampaignId == campaign.Id && member.Role == StaffRoles.Organiser && member.MilestoneEmails
                join staff in db.StaffUsers on member.StaffUserId equals staff.Id
                select staff.Email).ToListAsync(cancellationToken);
            foreach (var address in organisers.OfType<string>())
            {
                outbox.Add(db, StaffEmails.MilestoneKind, emails.MilestoneReached(address, campaign.Title, campaign.Id, crossed.Max()));
            }

            try
            {
                await db.SaveChangesAsync(cancellationToken);
                outbox.WakeSender();
                recorded += crossed.Count;
                cache.Forget(campaign.Slug);
                LogRecorded(logger, crossed.Count, campaign.Id);
            }
            catch (DbUpdateException)
            {
                // Another server recorded them a moment earlier; the unique key kept one of each.
                db.ChangeTracker.Clear();
            }
        }

        return recorded;
    }

    /// <summary>The first day on which the running total of confirmations reached the milestone.</summary>
    public static DateOnly? DayCrossed(IEnumerable<(DateOnly Day, int Count)> days, int milestone)
    {
        var total = 0;
        foreach (var (day, count) in days)
        {
            total += count;
            if (total >= milestone)
            {
                return day;
            }
        }

        // Signatures set aside later can leave the days short of a total that was once reached.
        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Milestones crossed by campaign {CampaignId} recorded: {Count}")]
    private static partial void LogRecorded(ILogger logger, int count, int campaignId);
}
