namespace Countersign.Hosting;

/// <summary>
/// A small scheduled job: one pass at start, then one a <see cref="Period"/> after each pass ends, on the
/// <see cref="TimeProvider"/>, so tests move its clock. A failed pass is logged by kind, never by
/// content, and the next pass tries again: a job that stopped would silently stop its promise.
/// </summary>
public abstract partial class PeriodicJob(TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>A timer's due time tops out at about 49 days; no job needs longer.</summary>
    private static readonly TimeSpan LongestPeriod = TimeSpan.FromDays(49);

    private readonly TaskCompletionSource _firstPass = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Completes once the pass at start has run, whether or not it did anything: whoever must not race that
    /// pass (a test running passes of its own on data it has just added) waits for it.
    /// </summary>
    public Task FirstPassDone => _firstPass.Task;

    /// <summary>The clock the passes are timed by, for the job's own reading of the time.</summary>
    protected TimeProvider Clock => clock;

    /// <summary>Time between passes; null runs only the pass at start.</summary>
    protected abstract TimeSpan? Period { get; }

    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected sealed override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        do
        {
            try
            {
                await RunPassAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogPassFailed(logger, GetType().Name, exception.GetType().Name);
            }
            finally
            {
                _firstPass.TrySetResult();
            }
        }
        while (Period is { } period && await PauseAsync(period < LongestPeriod ? period : LongestPeriod, stoppingToken));
    }

    /// <summary>
    /// Waits a period after each pass rather than keeping a beat: a clock that jumps (a server waking from sleep, a test
    /// moving its clock by months) then owes one pass, not one for every beat it skipped.
    /// </summary>
    private async Task<bool> PauseAsync(TimeSpan period, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(period, clock, stoppingToken);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job}: a pass failed ({Error}); the next pass tries again")]
    private static partial void LogPassFailed(ILogger logger, string job, string error);
}
