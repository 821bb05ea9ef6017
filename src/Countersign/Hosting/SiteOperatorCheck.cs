using Microsoft.Extensions.Options;

namespace Countersign.Hosting;

/// <summary>
/// Warns at start while the site does not say who runs it: the privacy page then tells signers that the operator has not
/// filled this in, and the law (GDPR Article 13) asks for a name and a way to reach them.
/// </summary>
public sealed partial class SiteOperatorCheck(IOptions<SiteOptions> site, ILogger<SiteOperatorCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!site.Value.Operator.IsFilledIn)
        {
            LogOperatorMissing(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Site:Operator:Name and Site:Operator:Contact are not set: the privacy page cannot tell signers who is responsible for their data and how to reach them, as the GDPR (Article 13) requires")]
    private static partial void LogOperatorMissing(ILogger logger);
}
