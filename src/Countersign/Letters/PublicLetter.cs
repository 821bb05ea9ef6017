using System.Globalization;
using Countersign.Campaigns;
using Countersign.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Letters;

/// <summary>An organisation on a letter as the public sees it: what it said of itself, its marks and the version it signed. Never its contact.</summary>
public sealed record LetterSignatory(
    long Id, string Name, string Description, int? Members, string Kind, string CountryCode, string Website, long? ParentId,
    bool DomainVerified, int VersionNumber, string VersionHash, DateTime ApprovedAt, bool DnsVerified);

/// <summary>A letter's totals: organisations, their countries, and the members they represent, each counted once (<see cref="MemberTotals"/>).</summary>
public sealed record LetterTotals(int Organisations, int Countries, long Members);

/// <summary>
/// One wording of a letter as its history shows it: its number (null for the text as it reads now, which nobody has
/// signed yet), its hash, when it was first signed, how many organisations on the letter signed it, and what changed
/// from the wording before it.
/// </summary>
public sealed record LetterVersionView(int? Number, string Hash, DateTime? FirstSignedAt, int Signatories, bool IsCurrent, IReadOnlyList<FieldDiff> Changes);

/// <summary>A signatory in a group of the letter page, with the organisations under it in the same group.</summary>
public sealed record SignatoryNode(LetterSignatory Signatory, string? ParentName, IReadOnlyList<SignatoryNode> Members);

/// <summary>One group of the letter page's list (a kind, or a country), with its heading.</summary>
public sealed record SignatoryGroup(string Key, string Heading, IReadOnlyList<SignatoryNode> Organisations);

/// <summary>
/// A public campaign's open letter as readers see it: the text as it reads now with its hash, and the organisations the
/// organisers approved. Only approved co-signatures are ever read here, so an unconfirmed, rejected or withdrawn one
/// cannot reach a page or the JSON by mistake.
/// </summary>
public sealed record PublicLetter(Campaign Campaign, string TextHtml, string Hash, IReadOnlyList<LetterSignatory> Signatories, IReadOnlyList<LetterVersionView> Versions)
{
    /// <summary>Whether the text changed after organisations signed it: the page then shows every version and what changed.</summary>
    public bool HasHistory => Versions.Count > 1;

    /// <summary>The ways readers can group the list: by kind of organisation (the default) or by country.</summary>
    public const string ByKind = "kind";
    public const string ByCountry = "country";

    public LetterTotals Totals { get; } = new(
        Signatories.Count,
        Signatories.Select(s => s.CountryCode).Distinct().Count(),
        MemberTotals.Count(Signatories.Select(s => new MemberCount(s.Id, s.ParentId, s.Members)).ToList()));

    /// <summary>
    /// The signatories in groups, by kind or by country, each group in the reader's alphabetical order. In a group an
    /// organisation is listed under its parent when both are in it, and otherwise with its parent's name beside it.
    /// </summary>
    public IReadOnlyList<SignatoryGroup> Groups(string by, IStringLocalizer t)
    {
        var byCountry = by == ByCountry;
        var names = Signatories.ToDictionary(s => s.Id, s => s.Name);
        var order = StringComparer.Create(CultureInfo.CurrentCulture, ignoreCase: true);
        var groups = Signatories.GroupBy(s => byCountry ? s.CountryCode : s.Kind)
            .Select(group => new SignatoryGroup(group.Key, byCountry ? Countries.Name(group.Key) : OrganisationKind.Heading(group.Key, t), Trees(group.ToList(), names, order)));
        return byCountry
            ? groups.OrderBy(g => g.Heading, order).ToList()
            : groups.OrderBy(g => Array.IndexOf(OrganisationKind.All, g.Key)).ToList();
    }

    private static List<SignatoryNode> Trees(List<LetterSignatory> group, Dictionary<long, string> names, StringComparer order)
    {
        var inGroup = group.Select(s => s.Id).ToHashSet();
        var children = group.Where(s => s.ParentId is { } parent && inGroup.Contains(parent)).ToLookup(s => s.ParentId!.Value);
        var placed = new HashSet<long>();

        SignatoryNode Node(LetterSignatory signatory)
        {
            placed.Add(signatory.Id);
            var members = children[signatory.Id].Where(child => !placed.Contains(child.Id)).OrderBy(child => child.Name, order).Select(Node).ToList();
            // Nested under its parent, an organisation needs no "part of" line; listed apart from it, it does.
            var parentElsewhere = signatory.ParentId is { } parent && !inGroup.Contains(parent) && names.TryGetValue(parent, out var name) ? name : null;
            return new SignatoryNode(signatory, parentElsewhere, members);
        }

        return group.Where(s => s.ParentId is not { } parent || !inGroup.Contains(parent) || parent == s.Id)
            .OrderBy(s => s.Name, order).Select(Node).ToList();
    }

    /// <summary>The letter of the public campaign at <paramref name="slug"/>, or null when there is no such campaign or it has no letter.</summary>
    public static async Task<PublicLetter?> ReadAsync(CountersignDb db, CampaignCache campaigns, MarkdownRenderer markdown, string slug, CancellationToken cancellationToken)
    {
        var cached = await campaigns.FindPublicAsync(db, slug, cancellationToken);
        if (cached?.Campaign is not { HasLetter: true } campaign)
        {
            return null;
        }

        var signatories = await (
            from signature in db.CoSignatures.AsNoTracking()
            join version in db.LetterVersions.AsNoTracking() on signature.LetterVersionId equals version.Id
            where signature.CampaignId == campaign.Id && signature.State == CoSignatureState.Approved
            orderby signature.DecidedAt, signature.Id
            select new { signature, version.Number, version.Hash }).ToListAsync(cancellationToken);
        var hash = Convert.ToHexStringLower(LetterVersion.HashOf(campaign.LetterAddressees, campaign.LetterMarkdown, campaign.LetterCalls));
        var listed = signatories.Select(row => new LetterSignatory(
            row.signature.Id, row.signature.Name, row.signature.Description, row.signature.Members, row.signature.Kind, row.signature.CountryCode,
            row.signature.Website, row.signature.ParentId, row.signature.DomainVerified, row.Number, Convert.ToHexStringLower(row.Hash),
            DateTime.SpecifyKind(row.signature.DecidedAt ?? row.signature.CreatedAt, DateTimeKind.Utc), row.signature.DnsVerifiedAt is not null)).ToList();
        var versions = await db.LetterVersions.AsNoTracking().Where(v => v.CampaignId == campaign.Id).OrderBy(v => v.Number).ToListAsync(cancellationToken);
        return new PublicLetter(campaign, markdown.ToHtml(campaign.LetterMarkdown, "letter", campaign.Id), hash, listed, History(campaign, versions, listed, hash));
    }

    /// <summary>
    /// Every wording organisations signed, oldest first, each with what changed from the one before; then the text as it
    /// reads now when nobody has signed it yet (it changed since, through review).
    /// </summary>
    private static List<LetterVersionView> History(Campaign campaign, List<LetterVersion> versions, List<LetterSignatory> signatories, string currentHash)
    {
        var wordings = versions.Select(v => (Version: v, Number: (int?)v.Number, FirstSignedAt: (DateTime?)DateTime.SpecifyKind(v.RecordedAt, DateTimeKind.Utc))).ToList();
        if (versions.All(v => v.HashHex != currentHash))
        {
            wordings.Add((LetterVersion.Of(campaign, 0, campaign.UpdatedAt), null, null));
        }

        return wordings.Select((wording, i) => new LetterVersionView(
            wording.Number,
            wording.Version.HashHex,
            wording.FirstSignedAt,
            signatories.Count(s => s.VersionHash == wording.Version.HashHex),
            wording.Version.HashHex == currentHash,
            i == 0 ? [] : wording.Version.DiffSince(wordings[i - 1].Version))).ToList();
    }
}
