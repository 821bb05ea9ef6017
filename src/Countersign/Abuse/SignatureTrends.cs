using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Abuse;

/// <summary>Signatures made in one hour, and how many of them are held or set aside.</summary>
public sealed record TrendsHour(DateTime Hour, int Signatures, int Held, int SetAside);

/// <summary>A network (by its hash, in hex) or an email domain (by name) in one hour.</summary>
public sealed record TrendsSource(DateTime Hour, bool IsNetwork, string Key, int Signatures, int Held)
{
    public bool IsUnusual(int threshold) => Signatures > threshold;
}

/// <summary>A campaign's signing trends as moderators read them.</summary>
public sealed record TrendsReport(int Held, int SetAside, IReadOnlyList<TrendsHour> Hours, IReadOnlyList<TrendsSource> Sources, IReadOnlyList<Invalidation> Invalidations);

/// <summary>
/// The moderators' report on a campaign's signing: signatures per hour, the networks and email
/// domains with unusual counts, how many wait for release or are set aside, and the bulk
/// invalidations that can be undone.
/// </summary>
public sealed class SignatureTrends(CountersignDb db, SigningRates rates, CampaignKeys campaignKeys, IOptions<RateLimitOptions> limits, TimeProvider clock)
{
    /// <summary>How far back the report looks.</summary>
    public const int HoursShown = 48;

    /// <summary>Sources listed per hour, the busiest first.</summary>
    public const int SourcesPerHour = 10;

    public async Task<TrendsReport> ReportAsync(int campaignId, CancellationToken cancellationToken = default)
    {
        var campaign = db.Signatures.Where(s => s.CampaignId == campaignId);
        var held = await campaign.CountAsync(s => s.HeldBecause != null && s.InvalidationId == null && s.State != SignatureState.Erased, cancellationToken);
        var setAside = await campaign.CountAsync(s => s.InvalidationId != null || s.State == SignatureState.Invalidated, cancellationToken);
        var invalidations = await db.Invalidations.AsNoTracking().Where(i => i.CampaignId == campaignId)
            .OrderByDescending(i => i.InvalidatedAt).ToListAsync(cancellationToken);

        var since = clock.GetUtcNow().UtcDateTime.AddHours(-HoursShown);
        var recent = campaign.Where(s => s.CreatedAt >= since);
        var hours = (await recent
                .GroupBy(s => new { s.CreatedAt.Date, s.CreatedAt.Hour })
                .Select(g => new
                {
                    g.Key.Date,
                    g.Key.Hour,
                    Signatures = g.Count(),
                    Held = g.Count(s => s.HeldBecause != null),
                    SetAside = g.Count(s => s.InvalidationId != null || s.State == SignatureState.Invalidated),
                })
                .ToListAsync(cancellationToken))
            .Select(h => new TrendsHour(Hour(h.Date, h.Hour), h.Signatures, h.Held, h.SetAside))
            .OrderByDescending(h => h.Hour)
            .ToList();

        // Only sources worth a look leave the database: unusually many signatures, or any held.
        var threshold = limits.Value.UnusualPerHour;
        var networks = await recent.Where(s => s.NetworkHash != null)
            .GroupBy(s => new { s.CreatedAt.Date, s.CreatedAt.Hour, s.NetworkHash })
            .Where(g => g.Count() > threshold || g.Any(s => s.HeldBecause != null))
            .Select(g => new { g.Key.Date, g.Key.Hour, Key = g.Key.NetworkHash!, Signatures = g.Count(), Held = g.Count(s => s.HeldBecause != null) })
            .ToListAsync(cancellationToken);
        var domains = await recent.Where(s => s.EmailDomainKey != null)
            .GroupBy(s => new { s.CreatedAt.Date, s.CreatedAt.Hour, s.EmailDomainKey })
            .Where(g => g.Count() > threshold || g.Any(s => s.HeldBecause != null))
            .Select(g => new { g.Key.Date, g.Key.Hour, Key = g.Key.EmailDomainKey!, Signatures = g.Count(), Held = g.Count(s => s.HeldBecause != null), Sample = g.Max(s => s.Id) })
            .ToListAsync(cancellationToken);

        // A domain is shown by name, read from one of its signatures; networks only ever by their
        // hash. The campaign key is asked for only then, so a shredded campaign does not get a new one.
        var samples = domains.Select(d => d.Sample).ToList();
        var domainNames = new Dictionary<long, string>();
        if (samples.Count > 0)
        {
            var cipher = await campaignKeys.ForCampaignAsync(campaignId, cancellationToken);
            domainNames = (await db.Signatures.AsNoTracking().Where(s => samples.Contains(s.Id)).Select(s => new { s.Id, s.EmailCiphertext }).ToListAsync(cancellationToken))
                .ToDictionary(s => s.Id, s => rates.DomainOf(cipher.DecryptString(s.EmailCiphertext)).Registrable);
        }

        var sources = networks
            .Select(n => new TrendsSource(Hour(n.Date, n.Hour), true, Convert.ToHexStringLower(n.Key), n.Signatures, n.Held))
            .Concat(domains.Select(d => new TrendsSource(Hour(d.Date, d.Hour), false, domainNames.GetValueOrDefault(d.Sample, "?"), d.Signatures, d.Held)))
            .GroupBy(s => s.Hour)
            .OrderByDescending(g => g.Key)
            .SelectMany(g => g.OrderByDescending(s => s.Signatures).Take(SourcesPerHour))
            .ToList();

        return new TrendsReport(held, setAside, hours, sources, invalidations);
    }

    private static DateTime Hour(DateTime date, int hour) => DateTime.SpecifyKind(date.AddHours(hour), DateTimeKind.Utc);
}
