using Countersign.Data;
using Microsoft.Extensions.Options;

namespace Countersign.Privacy;

/// <summary><c>Retention:*</c>: how long personal data is kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>A signature not confirmed within this many days is erased (its link expired after 7).</summary>
    public int PendingDays { get; set; } = 7;

    public int CheckEveryMinutes { get; set; } = 60;
}

/// <summary>
/// Erases what Countersign promised not to keep: signatures never confirmed, once their link has
/// long expired. Runs at start and then every <see cref="RetentionOptions.CheckEveryMinutes"/>;
/// each pass that erased something is recorded for the staff's retention report.
/// </summary>
public sealed partial class RetentionJob(IServiceScopeFactory scopes, TimeProvider clock, IOptions<RetentionOptions> options, ILogger<RetentionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(Math.Max(1, options.Value.CheckEveryMinutes)), clock);
        do
        {
            try
            {
                await RunOnceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next pass tries again; nothing is lost by waiting.
                LogPassFailed(logger, exception.GetType().Name);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>One pass: erases what is due and records it; returns the record (null when nothing was due).</summary>
    public async Task<RetentionRun?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var now = clock.GetUtcNow().UtcDateTime;
        var pendingErased = await Erasure.ErasePendingAsync(db, now.AddDays(-options.Value.PendingDays), cancellationToken);
        if (pendingErased == 0)
        {
            return null;
        }

        var run = new RetentionRun { RanAt = now, PendingErased = pendingErased };
        db.RetentionRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        LogErased(logger, pendingErased);
        return run;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: erased {Count} signature(s) never confirmed")]
    private static partial void LogErased(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention pass failed ({Error}); the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, string error);
}
