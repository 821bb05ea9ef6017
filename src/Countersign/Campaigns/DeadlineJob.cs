using Countersign.Hosting;

namespace Countersign.Campaigns;

/// <summary>
/// Closes open campaigns once their deadline day is over (UTC), checking every few minutes on
/// <see cref="TimeProvider"/>. Other servers see the closing within the campaign cache's 10 seconds.
/// </summary>
public sealed partial class DeadlineJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DeadlineJob> logger)
    : PeriodicJob(clock, logger)
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);

    protected override TimeSpan? Period => CheckEvery;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => CloseDueAsync(cancellationToken);

    /// <summary>Closes every open campaign whose deadline has passed; returns how many.</summary>
    public async Task<int> CloseDueAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var closed = await scope.ServiceProvider.GetRequiredService<CampaignLifecycle>().CloseAtDeadlineAsync(cancellationToken);
        foreach (var campaign in closed)
        {
            LogClosed(logger, campaign.Id);
        }

        return closed.Count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} closed: its deadline has passed")]
    private static partial void LogClosed(ILogger logger, int campaignId);
}
