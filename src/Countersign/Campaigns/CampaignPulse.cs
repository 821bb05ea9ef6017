using System.Globalization;
using System.Linq.Expressions;
using System.Text.RegularExpressions;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Localization;

namespace Countersign.Campaigns;

/// <summary>
/// How a public campaign is moving, for its page: the latest signers who agreed to be shown (first name and the initial
/// of the last, their country when many signed from it, and how long ago they signed) and how many signed in the last 24 hours. Only signatures
/// that count: never a pending, held, set-aside or erased one. Names are decrypted for the few shown only, once per
/// <see cref="Lifetime"/> for every reader of the page; <see cref="CampaignCache.Forget"/> forgets them with the page, so
/// a name erased or set aside leaves this server's page at once, and other servers' within <see cref="Lifetime"/>.
/// </summary>
public sealed partial class CampaignPulse(CountersignDb db, IMemoryCache cache, CampaignKeys campaignKeys, TimeProvider clock)
{
    public const int SignersShown = 10;

    public static readonly TimeSpan Lifetime = CampaignCache.Lifetime;

    /// <summary>The longest first name (or one-word name) shown; longer ones are more likely a message than a name.</summary>
    private const int NameMaxLength = 40;

    /// <summary>What the page shows of the campaign's movement now; nothing for a campaign not public yet.</summary>
    public async Task<SocialProof> ReadAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        if (!campaign.IsPublic)
        {
            // Its supporters agreed to be shown on the petition, not on a page only its sponsor link opens.
            return new SocialProof(campaign, [], 0, now);
        }

        var measure = (await cache.GetOrCreateAsync(Key(campaign.Slug), entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = Lifetime;
            return MeasureAsync(campaign.Id, now, cancellationToken);
        }))!;
        return new SocialProof(campaign, measure.LatestSigners, measure.InLastDay, now);
    }

    /// <summary>The cache entry of a campaign's movement, which <see cref="CampaignCache.Forget"/> removes with the page's.</summary>
    internal static string Key(string slug) => "pulse:" + slug;

    /// <summary><see cref="Signature.Counts"/> as 1 or 0.</summary>
    private static readonly Expression<Func<Signature, int>> CountsAsOne = Expression.Lambda<Func<Signature, int>>(
        Expression.Condition(Signature.Counts.Body, Expression.Constant(1), Expression.Constant(0)), Signature.Counts.Parameters);

    /// <summary>
    /// <see cref="Signature.Counts"/> written so that no index can serve it. Both queries below must read the campaign's own
    /// (CampaignId, CreatedAt) index from its newest end; given the rule itself, SQLite without statistics (the site never
    /// runs ANALYZE) walks the (State, CreatedAt) index of every campaign's signatures instead, as far back as it takes.
    /// </summary>
    private static readonly Expression<Func<Signature, bool>> CountsUnindexed = Expression.Lambda<Func<Signature, bool>>(
        Expression.Equal(CountsAsOne.Body, Expression.Constant(1)), Signature.Counts.Parameters);

    private async Task<Measure> MeasureAsync(int campaignId, DateTime now, CancellationToken cancellationToken)
    {
        var since = now - TimeSpan.FromDays(1);
        var inLastDay = await db.Signatures.Where(s => s.CampaignId == campaignId && s.CreatedAt >= since).SumAsync(CountsAsOne, cancellationToken);

        // A few more than are shown, as a name that does not read as one is left out.
        var rows = await db.Signatures.AsNoTracking()
            .Where(s => s.CampaignId == campaignId && s.ShowNamePublicly)
            .Where(CountsUnindexed)
            .OrderByDescending(s => s.CreatedAt).ThenByDescending(s => s.Id)
            .Take(2 * SignersShown)
            .Select(s => new { s.NameCiphertext, s.CountryCode, s.CreatedAt })
            .ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return new Measure([], inLastDay);
        }

        // A country few have signed from would point at the signer beside a first name, as on the figures page.
        var namedCountries = (await db.CountryCounts.AsNoTracking()
            .Where(c => c.CampaignId == campaignId && c.Count >= CampaignFigures.FewestSignersShownByCountry)
            .Select(c => c.CountryCode).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var cipher = await campaignKeys.ForCampaignAsync(campaignId, cancellationToken);
        var signers = rows
            .Select(row => (Name: ShortName(cipher.DecryptString(row.NameCiphertext)), row.CountryCode, row.CreatedAt))
            .Where(row => row.Name is not null)
            .Take(SignersShown)
            .Select(row => new RecentSigner(row.Name!, namedCountries.Contains(row.CountryCode) ? row.CountryCode : null, DateTime.SpecifyKind(row.CreatedAt, DateTimeKind.Utc)))
            .ToList();
        return new Measure(signers, inLastDay);
    }

    /// <summary>
    /// A signer's name as the page shows it: the first name and the initial of the last ("Amira Khalil" becomes "Amira K."),
    /// or a name of one word as typed. Null when what would be shown does not read as a name (digits, a web address,
    /// symbols, a very long word): the list must not carry a message or a link that no moderator has read.
    /// </summary>
    public static string? ShortName(string name)
    {
        var words = name.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0].Length > NameMaxLength || !NameWord().IsMatch(words[0]))
        {
            return null;
        }

        if (words.Length == 1)
        {
            return words[0];
        }

        // The initial is a whole character as readers see it (a letter with its accents), upper case as initials are written.
        var initial = StringInfo.GetNextTextElement(words[^1]);
        return char.IsLetter(initial, 0) ? $"{words[0]} {initial.ToUpperInvariant()}." : words[0];
    }

    /// <summary>"2 hours ago", in the reader's language.</summary>
    public static string HowLongAgo(TimeSpan elapsed, IStringLocalizer t) => elapsed switch
    {
        { TotalMinutes: < 1 } => t["just now"],
        { TotalMinutes: < 2 } => t["1 minute ago"],
        { TotalHours: < 1 } => t["{0} minutes ago", (int)elapsed.TotalMinutes],
        { TotalHours: < 2 } => t["1 hour ago"],
        { TotalDays: < 1 } => t["{0} hours ago", (int)elapsed.TotalHours],
        { TotalDays: < 2 } => t["1 day ago"],
        _ => t["{0} days ago", (int)elapsed.TotalDays],
    };

    /// <summary>
    /// A word of a name: letters with their marks, hyphens and apostrophes (Jean-Pierre, O'Brien, Zoë, Arabic and Persian
    /// names with their vowel marks and joiners), one closing full stop ("Jr.") or initials ("J.R.R."); never a dot inside
    /// a word, as in a web address.
    /// </summary>
    [GeneratedRegex(@"^(?:\p{L}[\p{L}\p{M}\u200C\u200D'’-]*\.?|(?:\p{L}\.)+)$")]
    private static partial Regex NameWord();

    private sealed record Measure(IReadOnlyList<RecentSigner> LatestSigners, int InLastDay);
}

/// <summary>
/// A signer the campaign page shows: the short name (<see cref="CampaignPulse.ShortName"/>), never the full one, and
/// the country only when at least <see cref="CampaignFigures.FewestSignersShownByCountry"/> people signed from it.
/// </summary>
public sealed record RecentSigner(string Name, string? CountryCode, DateTime SignedAt);

/// <summary>
/// What the campaign page shows of its movement, beside the count: the latest signers, the signatures of the last 24
/// hours, and while it takes signatures how many more the goal needs and the days left before its deadline.
/// </summary>
/// <param name="Campaign">The campaign with its count as committed now.</param>
/// <param name="Now">When the page is shown, for "2 hours ago" and the days left.</param>
public sealed record SocialProof(Campaign Campaign, IReadOnlyList<RecentSigner> LatestSigners, int InLastDay, DateTime Now)
{
    public bool TakesSignatures => Campaign is { IsPublic: true, AcceptsSignatures: true };

    /// <summary>Signatures still needed for the goal; 0 once reached, null without a goal.</summary>
    public int? StillNeeded => Campaign.Goal > 0 ? Math.Max(0, Campaign.Goal - Campaign.SignatureCount) : null;

    /// <summary>
    /// Whole days between today and the deadline (UTC, as <see cref="CampaignLifecycle.CloseAtDeadlineAsync"/> closes it):
    /// 0 on its last day; null without a deadline, or once it has passed and the campaign is about to close.
    /// </summary>
    public int? DaysLeft => Campaign.Deadline is { } deadline && deadline.DayNumber - DateOnly.FromDateTime(Now).DayNumber is >= 0 and var days ? days : null;

    public bool ShowsAnything => LatestSigners.Count > 0 || (TakesSignatures && (InLastDay > 0 || StillNeeded is not null || DaysLeft is not null));
}
