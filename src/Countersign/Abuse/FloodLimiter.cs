using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Countersign.Abuse;

/// <summary>
/// The one limit that turns requests away: an IP address (an IPv6 client's whole /64) sending more than
/// <see cref="RateLimitOptions.FloodRequests"/> requests in <see cref="RateLimitOptions.FloodWindowSeconds"/>
/// gets 429 Too Many Requests. That is far beyond what a person, or a household, clicks; signatures
/// under it are never refused, only held (see <see cref="SigningRates"/>).
/// </summary>
public static class FloodLimiter
{
    public static IServiceCollection AddFloodLimiter(this IServiceCollection services)
    {
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((options, limits) =>
        {
            var flood = new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, limits.Value.FloodRequests),
                Window = TimeSpan.FromSeconds(Math.Max(1, limits.Value.FloodWindowSeconds)),
                QueueLimit = 0,
            };
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;

            // The client is a partition key in memory for one window, never written anywhere.
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Path.StartsWithSegments("/error")
                    ? RateLimitPartition.GetNoLimiter("")
                    : RateLimitPartition.GetFixedWindowLimiter(ClientOf(context.Connection.RemoteIpAddress), _ => flood));
            options.OnRejected = (rejected, _) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = flood.Window.TotalSeconds.ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
        services.AddRateLimiter(_ => { });

        // Behind a reverse proxy on the same machine (loopback, trusted by default) or one named in
        // Site:TrustedProxies, the client's address is the one the proxy saw.
        services.AddOptions<ForwardedHeadersOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in configuration.GetSection("Site:TrustedProxies").Get<string[]>() ?? [])
            {
                options.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });
        return services;
    }

    /// <summary>
    /// Who a request counts against: an IPv4 address, or an IPv6 address's /64, since whoever holds
    /// an IPv6 address usually holds its whole /64 and could send each request from another of its
    /// 2^64 addresses. An IPv4 address written as IPv6 (::ffff:a.b.c.d) is the IPv4 address.
    /// </summary>
    private static string ClientOf(IPAddress? address)
    {
        if (address is null)
        {
            return "";
        }

        address = NetworkAddresses.Unmapped(address);
        return address.AddressFamily == AddressFamily.InterNetworkV6
            ? Convert.ToHexString(NetworkAddresses.NetworkOf(address)) + "/64"
            : address.ToString();
    }
}
