using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Closes open campaigns once their deadline day is over (UTC), checking every few minutes on
/// <see cref="TimeProvider"/>. Other servers see the closing within the campaign cache's 10 seconds.
/// </summary>
public sealed partial class DeadlineJob(IServiceScopeFactory scopes, CampaignCache cache, TimeProvider clock, ILogger<DeadlineJob> logger)
    : PeriodicJob(clock, logger)
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);

    protected override TimeSpan? Period => CheckEvery;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => CloseDueAsync(cancellationToken);

    /// <summary>Closes every open campaign whose deadline has passed; returns how many.</summary>
    public async Task<int> CloseDueAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var due = await db.SaveMovesAsync(async () =>
        {
            var passed = await db.Campaigns.Where(c => c.State == CampaignState.Open && c.Deadline < today).ToListAsync(cancellationToken);
            foreach (var campaign in passed)
            {
                campaign.Close(now);
                campaign.UpdatedAt = now;
                db.Record(staff: null, AuditAction.CampaignClosed, campaign.Id, now, "Deadline passed");
            }

            return passed;
        }, cancellationToken);

        foreach (var campaign in due)
        {
            cache.Forget(campaign.Slug);
            LogClosed(logger, campaign.Id);
        }

        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} closed: its deadline has passed")]
    private static partial void LogClosed(ILogger logger, int campaignId);
}
