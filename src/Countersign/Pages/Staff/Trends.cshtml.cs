using System.Globalization;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Localisation;
using Countersign.Staff;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace Countersign.Pages.Staff;

/// <summary>
/// A campaign's signing trends for moderators: signatures per hour, the networks and email domains
/// with unusual counts, held signatures to release, and bulk invalidations that can be undone.
/// </summary>
[Authorize(Policy = StaffPolicies.Moderate)]
public sealed class TrendsModel(
    CountersignDb db,
    SigningRates rates,
    SignatureTrends trends,
    SignatureModeration moderation,
    IOptions<RateLimitOptions> limits,
    IStringLocalizer<SharedResource> t) : PageModel
{
    /// <summary>How far back the report looks.</summary>
    public const int HoursShown = SignatureTrends.HoursShown;

    /// <summary>Sources listed per hour, the busiest first.</summary>
    public const int SourcesPerHour = SignatureTrends.SourcesPerHour;

    public Campaign Campaign { get; private set; } = null!;
    public int UnusualPerHour => limits.Value.UnusualPerHour;
    public int Held { get; private set; }
    public int SetAside { get; private set; }
    public IReadOnlyList<TrendsHour> Hours { get; private set; } = [];
    public IReadOnlyList<TrendsSource> Sources { get; private set; } = [];
    public IReadOnlyList<Invalidation> Invalidations { get; private set; } = [];

    /// <summary>What the last action did, shown above the report.</summary>
    [TempData]
    public string? Done { get; set; }

    [BindProperty]
    public GroupForm Group { get; set; } = new();

    /// <summary>The moderator's choice of signatures; every field is optional, an empty form means the whole campaign.</summary>
    public sealed class GroupForm
    {
        public string? Network { get; set; }
        public string? Domain { get; set; }

        /// <summary>UTC, as the report shows times.</summary>
        public DateTime? From { get; set; }
        public DateTime? Until { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        await LoadReportAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostInvalidateAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (ReadGroup() is not { } group)
        {
            return await ShowAgainAsync(cancellationToken);
        }

        var invalidation = await moderation.InvalidateAsync(Campaign, group, Describe(), User, cancellationToken);
        Done = t.Plural("{0, plural, one {# signature set aside} other {# signatures set aside}}; the count fell by {1}.", invalidation.SignatureCount, invalidation.CountedCount);
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostUndoAsync(int id, long invalidation, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var undone = await db.Invalidations.SingleOrDefaultAsync(i => i.Id == invalidation && i.CampaignId == id, cancellationToken);
        if (undone is null)
        {
            return NotFound();
        }

        Done = await moderation.UndoAsync(Campaign, undone, User, cancellationToken)
            ? t.Plural("{0, plural, one {The invalidation is undone: # signature counts again if it is confirmed.} other {The invalidation is undone: its # signatures count again where they are confirmed.}}", undone.SignatureCount)
            : t["That invalidation was undone already."];
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostReleaseAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        if (ReadGroup() is not { } group)
        {
            return await ShowAgainAsync(cancellationToken);
        }

        var released = await moderation.ReleaseAsync(Campaign, group, Describe(), User, cancellationToken);
        Done = t.Plural("{0, plural, =0 {No held signatures to release.} one {# held signature released; it counts now if it is confirmed.} other {# held signatures released; those confirmed now count.}}", released);
        return RedirectToPage(new { id });
    }

    /// <summary>The form as a group of signatures, or null with the problems in ModelState.</summary>
    private SignatureGroup? ReadGroup()
    {
        ModelState.Clear();
        byte[]? network = null;
        if (!string.IsNullOrWhiteSpace(Group.Network))
        {
            network = NetworkAddresses.ParseNetworkHash(Group.Network.Trim());
            if (network is null)
            {
                ModelState.AddModelError($"{nameof(Group)}.{nameof(GroupForm.Network)}", t["Copy the network's code from the report: 32 letters and digits."]);
            }
        }

        var domain = Group.Domain?.Trim().TrimStart('@');
        if (!string.IsNullOrEmpty(domain) && (domain.Length > 253 || !domain.Contains('.', StringComparison.Ordinal) || domain.Contains('@', StringComparison.Ordinal)))
        {
            ModelState.AddModelError($"{nameof(Group)}.{nameof(GroupForm.Domain)}", t["Enter an email domain like example.org."]);
        }

        if (Group.From is { } from && Group.Until is { } until && until <= from)
        {
            ModelState.AddModelError($"{nameof(Group)}.{nameof(GroupForm.Until)}", t["The end of the time window must come after its start."]);
        }

        if (!ModelState.IsValid)
        {
            return null;
        }

        return new SignatureGroup(
            Campaign.Id,
            network,
            string.IsNullOrEmpty(domain) ? null : rates.DomainNamed(domain).Key,
            Group.From is { } start ? DateTime.SpecifyKind(start, DateTimeKind.Utc) : null,
            Group.Until is { } end ? DateTime.SpecifyKind(end, DateTimeKind.Utc) : null);
    }

    /// <summary>The group in words, for the invalidation log.</summary>
    private string Describe()
    {
        var parts = new List<string>();
        if (!string.IsNullOrWhiteSpace(Group.Network))
        {
            parts.Add(t["network {0}", Group.Network.Trim().ToLowerInvariant()]);
        }

        if (!string.IsNullOrWhiteSpace(Group.Domain))
        {
            parts.Add(t["email domain {0}", Group.Domain.Trim().TrimStart('@').ToLowerInvariant()]);
        }

        if (Group.From is { } from)
        {
            parts.Add(t["from {0} UTC", from.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)]);
        }

        if (Group.Until is { } until)
        {
            parts.Add(t["until {0} UTC", until.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)]);
        }

        return parts.Count == 0 ? t["all signatures"] : string.Join(", ", parts);
    }

    private async Task<IActionResult> ShowAgainAsync(CancellationToken cancellationToken)
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadReportAsync(cancellationToken);
        return Page();
    }

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        Campaign = (await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, cancellationToken))!;
        return Campaign is not null;
    }

    private async Task LoadReportAsync(CancellationToken cancellationToken)
    {
        var report = await trends.ReportAsync(Campaign.Id, cancellationToken);
        (Held, SetAside, Hours, Sources, Invalidations) = (report.Held, report.SetAside, report.Hours, report.Sources, report.Invalidations);
    }
}
