using Countersign.Data;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Closes open campaigns once their deadline day is over (UTC), checking every few minutes on
/// <see cref="TimeProvider"/>. Other servers see the closing within the campaign cache's 10 seconds.
/// </summary>
public sealed partial class DeadlineJob(IServiceScopeFactory scopes, CampaignCache cache, TimeProvider clock, ILogger<DeadlineJob> logger) : BackgroundService
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckEvery, clock);
        do
        {
            try
            {
                await CloseDueAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next check tries again; a campaign closing minutes late loses nothing.
                LogCheckFailed(logger, exception.GetType().Name);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Closes every open campaign whose deadline has passed; returns how many.</summary>
    public async Task<int> CloseDueAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var today = DateOnly.FromDateTime(now);
        var due = await db.Campaigns.Where(c => c.State == CampaignState.Open && c.Deadline < today).ToListAsync(cancellationToken);
        foreach (var campaign in due)
        {
            campaign.State = CampaignState.Closed;
            campaign.ClosedAt ??= now;
            campaign.UpdatedAt = now;
        }

        await db.SaveChangesAsync(cancellationToken);
        foreach (var campaign in due)
        {
            cache.Forget(campaign.Slug);
            LogClosed(logger, campaign.Id);
        }

        return due.Count;
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} closed: its deadline has passed")]
    private static partial void LogClosed(ILogger logger, int campaignId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Checking campaign deadlines failed ({Error}); the next check tries again")]
    private static partial void LogCheckFailed(ILogger logger, string error);
}
