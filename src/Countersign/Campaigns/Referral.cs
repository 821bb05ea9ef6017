namespace Countersign.Campaigns;

/// <summary>
/// Which share channel brought a signer to a campaign: a short code in the shared address (<c>?via=whatsapp</c>), carried
/// through the signing form and stored with the signature, so organisers see which channels win signatures. A code names
/// a channel, never a person: nothing about who shared or who followed the link is kept.
/// </summary>
/// <remarks>
/// Only the codes listed here are taken. Anything else in the address (a typo, a tracking id, a script's junk) is
/// dropped as if absent: never stored, never written back into a page.
/// </remarks>
public static class Referral
{
    public const string QueryParameter = "via";

    public const string Email = "email";
    public const string WhatsApp = "whatsapp";
    public const string Telegram = "telegram";
    public const string Bluesky = "bluesky";
    public const string X = "x";
    public const string Facebook = "facebook";
    public const string LinkedIn = "linkedin";
    public const string Mastodon = "mastodon";

    /// <summary>The share panel's copy button and the device's share sheet, which the site cannot tell apart.</summary>
    public const string Copy = "copy";

    /// <summary>The sign button of the campaign's embed on another site.</summary>
    public const string Embed = "embed";

    /// <summary>Every code, in the order the staff figures list them.</summary>
    public static readonly IReadOnlyList<string> Codes = [Email, WhatsApp, Telegram, Bluesky, X, Facebook, LinkedIn, Mastodon, Copy, Embed];

    /// <summary>The stored column's length: the longest code, with room for a few more channels.</summary>
    public const int MaxLength = 16;

    /// <summary>
    /// The code when <paramref name="via"/> is exactly one of ours, otherwise null. Exactly: a case-blind match would
    /// also take look-alikes such as a dotless ı for i, and our own links only ever write the codes as they are.
    /// </summary>
    public static string? Parse(string? via) =>
        via is { Length: <= MaxLength } ? Codes.FirstOrDefault(code => string.Equals(code, via, StringComparison.Ordinal)) : null;

    /// <summary><paramref name="campaignUrl"/> with the referral of <paramref name="code"/>, one of <see cref="Codes"/> or a partner's.</summary>
    public static string Mark(string campaignUrl, string code) =>
        Parse(code) == code || PartnerHostId(code) is not null
            ? $"{campaignUrl}?{QueryParameter}={code}"
            : throw new ArgumentOutOfRangeException(nameof(code), code, "Not a referral code.");

    /// <summary>
    /// The code of a coalition partner's own share link: "p" and the host's id. No channel code is "p" followed by digits,
    /// so the two never clash. It is no secret, and needs none: like a channel's code it only says whose link was shared,
    /// and anyone could share any partner's link anyway.
    /// </summary>
    public static string PartnerCode(int hostId) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"p{hostId}");

    /// <summary>The host id of a partner's code in the one spelling <see cref="PartnerCode"/> writes ("p12", never "p012" or "P12"), otherwise null.</summary>
    public static int? PartnerHostId(string? via) =>
        via is { Length: >= 2 and <= 11 } && via[0] == 'p' && via[1] is >= '1' and <= '9' && via.Skip(1).All(char.IsAsciiDigit)
            && int.TryParse(via.AsSpan(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? id : null;

    /// <summary>
    /// The code the signing form carries: a channel's, or the partner code of one of the campaign's current hosts; anything
    /// else (a partner that left, another campaign's partner, junk) is dropped as if absent.
    /// </summary>
    public static string? ForForm(Campaign campaign, string? via) =>
        Parse(via) ?? (CreditedHostId(campaign, via) is null ? null : via);

    /// <summary>The current host of the campaign whose partner link brought the signer, or null.</summary>
    public static int? CreditedHostId(Campaign campaign, string? via) =>
        PartnerHostId(via) is { } hostId && campaign.Hosts.Any(h => h.Id == hostId && !h.HasLeft) ? hostId : null;
}
