using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Countersign.Campaigns;

namespace Countersign.Letters;

/// <summary>
/// One wording of a campaign's open letter, as organisations signed it. A version is recorded the first time an
/// organisation co-signs that wording, so every co-signature points at the exact text it signed, and a later
/// change to the letter can never move a signatory onto words they did not sign. Versions are never changed or deleted.
/// </summary>
public sealed class LetterVersion
{
    public const int HashSize = 32;

    public long Id { get; set; }
    public int CampaignId { get; set; }

    /// <summary>1 for the first wording signed, then 2, 3… in the order they were signed.</summary>
    public int Number { get; set; }
    public required string Addressees { get; set; }
    public required string TextMarkdown { get; set; }
    public List<string> Calls { get; set; } = [];

    /// <summary>SHA-256 of the canonical form (<see cref="HashOf"/>): what a signatory and a reader can check the text by.</summary>
    public required byte[] Hash { get; set; }
    public DateTime RecordedAt { get; set; }

    /// <summary>The hash as lower-case hexadecimal, as pages and JSON show it.</summary>
    public string HashHex => Convert.ToHexStringLower(Hash);

    public static LetterVersion Of(Campaign campaign, int number, DateTime now) => new()
    {
        CampaignId = campaign.Id,
        Number = number,
        Addressees = campaign.LetterAddressees,
        TextMarkdown = campaign.LetterMarkdown,
        Calls = campaign.LetterCalls.ToList(),
        Hash = HashOf(campaign.LetterAddressees, campaign.LetterMarkdown, campaign.LetterCalls),
        RecordedAt = now,
    };

    /// <summary>
    /// The SHA-256 of the letter as a JSON array <c>[addressees, text, [calls…]]</c> in UTF-8, with line breaks made
    /// uniform: anyone holding the three parts can recompute it, and no whitespace of a browser's changes it.
    /// </summary>
    public static byte[] HashOf(string addressees, string text, IEnumerable<string> calls)
    {
        var canonical = JsonSerializer.Serialize(new object[] { Uniform(addressees), Uniform(text), calls.Select(Uniform).ToArray() });
        return SHA256.HashData(Encoding.UTF8.GetBytes(canonical));
    }

    /// <summary>What changed from <paramref name="before"/> to this version, field by field; unchanged fields are left out.</summary>
    public IReadOnlyList<Campaigns.FieldDiff> DiffSince(LetterVersion before) =>
        new (string Name, string Before, string After)[]
        {
            ("Open letter: addressed to", before.Addressees, Addressees),
            ("Open letter", before.TextMarkdown, TextMarkdown),
            ("Open letter: calls", string.Join('\n', before.Calls), string.Join('\n', Calls)),
        }.Where(f => f.Before != f.After).Select(f => Campaigns.FieldDiff.Between(f.Name, f.Before, f.After)).ToList();

    private static string Uniform(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
}
