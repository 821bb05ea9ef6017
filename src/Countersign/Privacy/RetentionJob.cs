using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Privacy;

/// <summary>
/// Erases what Countersign promised not to keep: signatures never confirmed, once their link has
/// long expired, and the personal data of campaigns that ended long enough ago. Runs at start and then every <see cref="RetentionOptions.CheckEveryMinutes"/>;
/// each pass that erased something is recorded for the staff's retention report.
/// </summary>
public sealed partial class RetentionJob(IServiceScopeFactory scopes, CampaignKeys campaignKeys, CampaignCache campaigns, OutboxFolder outboxFolder, TimeProvider clock,
    IOptions<RetentionOptions> options, ILogger<RetentionJob> logger)
    : PeriodicJob(clock, logger)
{
    protected override TimeSpan? Period => options.Value.CheckEveryMinutes > 0 ? TimeSpan.FromMinutes(options.Value.CheckEveryMinutes) : null;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => RunOnceAsync(cancellationToken);

    /// <summary>One pass: erases what is due and records it; returns the record (null when nothing was due).</summary>
    public async Task<RetentionRun?> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var now = Clock.GetUtcNow().UtcDateTime;
        var pendingErased = await Erasure.ErasePendingAsync(db, now.AddDays(-options.Value.PendingDays), cancellationToken);
        var pendingCommentsErased = await Erasure.ErasePendingCommentsAsync(db, now.AddDays(-options.Value.PendingDays), cancellationToken);
        if (await Erasure.ErasePendingCoSignaturesAsync(db, now.AddDays(-options.Value.PendingDays), cancellationToken) is > 0 and var pendingCoSignatures)
        {
            LogCoSignaturesErased(logger, pendingCoSignatures);
        }

        // The outbox folder's emails hold names and working links: none is needed once its link has expired.
        if (outboxFolder.DeleteWrittenBefore(now.AddDays(-options.Value.PendingDays)) is > 0 and var emailFiles)
        {
            LogEmailFilesDeleted(logger, emailFiles);
        }

        var endedBefore = now.AddMonths(-options.Value.EndedCampaignMonths);
        var leftRejected = await WithdrawLeftRejectedAsync(scope.ServiceProvider, endedBefore, cancellationToken);
        var due = await db.Campaigns.AsNoTracking()
            .Where(c => c.PersonalDataErasedAt == null
                && ((CampaignState.Ended.Contains(c.State) && (c.DeliveredAt ?? c.ClosedAt) < endedBefore) || leftRejected.Contains(c.Id)))
            .Select(c => new { c.Id, c.Slug })
            .ToListAsync(cancellationToken);
        var campaignsErased = 0;
        foreach (var campaign in due)
        {
            if (await Erasure.ShredCampaignAsync(db, campaignKeys, campaign.Id, now, cancellationToken))
            {
                // Its comments went with the rest: this server's copy of its page must not show them.
                campaigns.Forget(campaign.Slug);
                campaignsErased++;
            }
        }

        if (pendingErased == 0 && campaignsErased == 0 && pendingCommentsErased == 0)
        {
            return null;
        }

        var run = new RetentionRun { RanAt = now, PendingErased = pendingErased, CampaignsErased = campaignsErased, PendingCommentsErased = pendingCommentsErased };
        db.RetentionRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        LogErased(logger, pendingErased, pendingCommentsErased, campaignsErased);
        return run;
    }

    /// <summary>
    /// Campaigns the moderators sent back after they gathered supporting signatures, left so for as long as an ended
    /// campaign's data is kept, are withdrawn (<see cref="CampaignLifecycle.WithdrawLeftRejectedAsync"/>), so their
    /// supporters' data goes like any ended campaign's. Returns the campaigns withdrawn.
    /// </summary>
    private async Task<List<int>> WithdrawLeftRejectedAsync(IServiceProvider services, DateTime leftBefore, CancellationToken cancellationToken)
    {
        var left = await services.GetRequiredService<CampaignLifecycle>().WithdrawLeftRejectedAsync(leftBefore, cancellationToken);
        foreach (var campaign in left)
        {
            LogWithdrawn(logger, campaign.Id);
        }

        return [.. left.Select(c => c.Id)];
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} email file(s) from the outbox folder, older than a confirmation link works")]
    private static partial void LogEmailFilesDeleted(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: erased {Count} organisation signature(s) whose contact never confirmed their address")]
    private static partial void LogCoSignaturesErased(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: erased {Pending} signature(s) and {PendingComments} comment(s) never confirmed, and the personal data of {Campaigns} ended campaign(s)")]
    private static partial void LogErased(ILogger logger, int pending, int pendingComments, int campaigns);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: campaign {CampaignId} was left as the moderators sent it back for the retention period; withdrawn")]
    private static partial void LogWithdrawn(ILogger logger, int campaignId);
}
