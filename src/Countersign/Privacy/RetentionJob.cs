using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Privacy;

/// <summary><c>Retention:*</c>: how long personal data is kept.</summary>
public sealed class RetentionOptions
{
    public const string Section = "Retention";

    /// <summary>A signature not confirmed within this many days is erased (its link expired after 7).</summary>
    public int PendingDays { get; set; } = 7;

    /// <summary>
    /// Months after a campaign's delivery (or its closing, when it was never delivered) at which
    /// its signers' personal data is crypto-shredded; the counts stay.
    /// </summary>
    public int EndedCampaignMonths { get; set; } = 6;

    /// <summary>How often a pass runs after the one at start; 0 runs only the one at start.</summary>
    public int CheckEveryMinutes { get; set; } = 60;
}

/// <summary>
/// Erases what Countersign promised not to keep: signatures never confirmed, once their link has
/// long expired, and the personal data of campaigns that ended long enough ago. Runs at start and then every <see cref="RetentionOptions.CheckEveryMinutes"/>;
/// each pass that erased something is recorded for the staff's retention report.
/// </summary>
public sealed partial class RetentionJob(IServiceScopeFactory scopes, CampaignKeys campaignKeys, CampaignCache campaigns, TimeProvider clock, IOptions<RetentionOptions> options,
    ILogger<RetentionJob> logger)
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

        var endedBefore = now.AddMonths(-options.Value.EndedCampaignMonths);
        var due = await db.Campaigns.AsNoTracking()
            .Where(c => c.PersonalDataErasedAt == null && CampaignState.Ended.Contains(c.State)
                && (c.DeliveredAt ?? c.ClosedAt) < endedBefore)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: erased {Pending} signature(s) and {PendingComments} comment(s) never confirmed, and the personal data of {Campaigns} ended campaign(s)")]
    private static partial void LogErased(ILogger logger, int pending, int pendingComments, int campaigns);
}
