using System.Collections.Concurrent;
using System.Text;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Abuse;

/// <summary>
/// Counts each campaign's recent signatures by source (IP address, network, IPv6 /48, email domain) and says
/// when one is over its limit. Such a signature is still taken, and answered like any other, but
/// held: not counted until a moderator releases it. So a flood from one place adds nothing to the
/// count, the people behind a busy shared address lose nothing, and a script learns nothing.
/// </summary>
/// <remarks>
/// Not System.Threading.RateLimiting: its partitioned limiter keeps a limiter object per source and
/// sweeps them all every 100 ms, and a viral campaign brings thousands of new addresses a second,
/// each to be remembered for five minutes. Here a source costs one small dictionary entry, and
/// entries are dropped once their windows are over. Counts are per server, like the limits of the
/// HTTP flood limiter.
/// </remarks>
public sealed class SigningRates(IOptions<RateLimitOptions> options, PersonalDataProtector protector, TimeProvider clock)
{
    public const string AddressReason = "address-rate";
    public const string NetworkReason = "network-rate";
    public const string WideNetworkReason = "wide-network-rate";
    public const string EmailDomainReason = "domain-rate";

    private readonly RateLimitOptions _limits = options.Value;
    private readonly HashSet<string> _commonDomains = new(options.Value.CommonEmailDomains, StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<Source, Windows> _counts = new();
    private long _nextPurge;

    /// <summary>What a limit's reason (<see cref="Count"/>) says to staff, in their language: where too many came from at once.</summary>
    public static string Describe(string reason, IStringLocalizer t) => reason switch
    {
        AddressReason => t["many others came from one IP address at once"],
        NetworkReason => t["many others came from one network at once"],
        WideNetworkReason => t["many others came from one wide IPv6 network at once"],
        EmailDomainReason => t["many others came with addresses at one email domain at once"],
        _ => t["many others came from the same place at once"],
    };

    /// <summary>The domain of an email address, as the limits and the moderators' report see it.</summary>
    public EmailDomain DomainOf(string emailAddress) => DomainNamed(emailAddress[(emailAddress.LastIndexOf('@') + 1)..]);

    /// <summary>
    /// A domain as typed, its registrable domain, and the keyed hash that stands for it in the
    /// database: of the registrable domain, so that a thousand subdomains of one domain are one.
    /// </summary>
    public EmailDomain DomainNamed(string domain)
    {
        var typed = domain.ToLowerInvariant();
        var registrable = RegistrableDomains.Of(typed);
        return new EmailDomain(typed, registrable,
            protector.KeyedHash("email-domain", Encoding.UTF8.GetBytes(registrable)).AsSpan(0, NetworkAddresses.HashSize).ToArray());
    }

    /// <summary>Counts one signature (or comment) and returns why it must be held, or null when every source is within its limits.</summary>
    /// <param name="act">
    /// Signatures, comments and organisations' co-signatures are counted apart, under the same limits: someone who signs and then
    /// comments a minute later is one of each, not two of either.
    /// </param>
    public string? Count(int campaignId, HashedSource? source, EmailDomain emailDomain, RatedAct act = RatedAct.Signature)
    {
        var now = clock.GetTimestamp() / clock.TimestampFrequency;
        PurgeFinishedWindows(now);

        // Every source is counted, even once another is over: each limit sees all the traffic.
        var overAddress = source is not null && CountOne(new Source(campaignId, act, 'a', source.Address), _limits.PerAddress, now);
        var overNetwork = source is not null && CountOne(new Source(campaignId, act, 'n', source.Network), _limits.PerNetwork, now);
        var overWideNetwork = source?.WideNetwork is { } wide && CountOne(new Source(campaignId, act, 'w', wide), _limits.PerWideNetwork, now);
        var commonDomain = _commonDomains.Contains(emailDomain.Typed) || _commonDomains.Contains(emailDomain.Registrable);
        var overDomain = !commonDomain && CountOne(new Source(campaignId, act, 'd', emailDomain.Key), _limits.PerEmailDomain, now);
        return overAddress ? AddressReason : overNetwork ? NetworkReason : overWideNetwork ? WideNetworkReason : overDomain ? EmailDomainReason : null;
    }

    /// <summary>Adds one to the source's windows; true when that takes it over either limit.</summary>
    private bool CountOne(Source source, SignatureLimit limit, long now)
    {
        var windows = _counts.GetOrAdd(source, _ => new Windows());
        lock (windows)
        {
            return windows.Burst.Add(now, limit.BurstSeconds) > limit.Burst
                | windows.Sustained.Add(now, limit.SustainedSeconds) > limit.Sustained;
        }
    }

    private void PurgeFinishedWindows(long now)
    {
        var due = Interlocked.Read(ref _nextPurge);
        if (now < due || Interlocked.CompareExchange(ref _nextPurge, now + 60, due) != due)
        {
            return;
        }

        var longest = new[] { _limits.PerAddress, _limits.PerNetwork, _limits.PerWideNetwork, _limits.PerEmailDomain }.Max(limit => limit.SustainedSeconds);
        foreach (var (source, windows) in _counts)
        {
            if (now - windows.Sustained.Start > longest)
            {
                _counts.TryRemove(source, out _);
            }
        }
    }

    /// <summary>A campaign and one of its sources; the first 8 bytes of a keyed hash tell sources apart well enough.</summary>
    private readonly record struct Source(int CampaignId, RatedAct Act, char Kind, long Hash)
    {
        public Source(int campaignId, RatedAct act, char kind, byte[] hash)
            : this(campaignId, act, kind, BitConverter.ToInt64(hash, 0))
        {
        }
    }

    private sealed class Windows
    {
        public Window Burst;
        public Window Sustained;
    }

    /// <summary>A fixed window: when it started (in seconds) and how many it has counted.</summary>
    private struct Window
    {
        public long Start;
        public int Count;

        public int Add(long now, int seconds)
        {
            if (now - Start >= seconds)
            {
                Start = now;
                Count = 0;
            }

            return ++Count;
        }
    }
}
