using System.Data.Common;
using Countersign.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Sends campaigns that have gathered their supporting signatures to the moderators' queue. The confirmation
/// page calls it as soon as a supporter confirms; a pass every few minutes catches what that missed: a server
/// stopping between the two, held signatures a moderator released, a lowered <see cref="CampaignOptions.SponsorSignatures"/>.
/// </summary>
public sealed partial class SponsorJob(IServiceScopeFactory scopes, TimeProvider clock, ILogger<SponsorJob> logger)
    : PeriodicJob(clock, logger)
{
    public static readonly TimeSpan CheckEvery = TimeSpan.FromMinutes(5);

    protected override TimeSpan? Period => CheckEvery;

    protected override Task RunPassAsync(CancellationToken cancellationToken) => SendToReviewAsync(campaignId: null, cancellationToken);

    /// <summary>
    /// For the confirmation page, after a supporter's confirmation is committed: the signature stands whatever
    /// happens here, so a database problem is logged and left to the next pass rather than shown to the supporter.
    /// </summary>
    public async Task SendToReviewSoonAsync(int campaignId)
    {
        try
        {
            await SendToReviewAsync(campaignId, CancellationToken.None);
        }
        catch (Exception exception) when (exception is DbUpdateException or DbException)
        {
            LogDeferred(logger, campaignId, exception.GetType().Name);
        }
    }

    /// <summary>
    /// Moves the campaign (or, without one, every campaign) that gathers supporting signatures and has enough of
    /// them to review, with a launch review in the queue; returns how many moved.
    /// </summary>
    public async Task<int> SendToReviewAsync(int? campaignId, CancellationToken cancellationToken = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var ready = await scope.ServiceProvider.GetRequiredService<CampaignLifecycle>().EndSponsoringAsync(campaignId, cancellationToken);
        foreach (var campaign in ready)
        {
            LogSentToReview(logger, campaign.Id);
        }

        return ready.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Campaign {CampaignId} could not go to review just now ({Error}); the next pass tries again")]
    private static partial void LogDeferred(ILogger logger, int campaignId, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Campaign {CampaignId} has its supporting signatures: it waits for review")]
    private static partial void LogSentToReview(ILogger logger, int campaignId);
}
