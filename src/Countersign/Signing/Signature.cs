using System.Linq.Expressions;

namespace Countersign.Signing;

/// <summary>
/// One person's support for a campaign. Name, email and postcode are stored only encrypted;
/// the email key (a keyed hash of the normalised address) finds duplicates without decrypting.
/// </summary>
public sealed class Signature
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 254;
    public const int PostcodeMaxLength = 16;

    /// <summary>
    /// A signature counts when it is confirmed, not held and not set aside by a moderator. Queries
    /// use this expression; SQL that counts or uncounts rows uses <see cref="SignatureSql.Counts"/>,
    /// written from the same constants.
    /// </summary>
    public static readonly Expression<Func<Signature, bool>> Counts =
        s => s.State == SignatureState.Confirmed && s.HeldBecause == null && s.InvalidationId == null;

    public long Id { get; set; }
    public int CampaignId { get; set; }
    public required byte[] NameCiphertext { get; set; }
    public required byte[] EmailCiphertext { get; set; }
    public required byte[] EmailKey { get; set; }
    public byte[]? PostcodeCiphertext { get; set; }
    public required string CountryCode { get; set; }

    /// <summary>
    /// Whether the signer consented to showing their name publicly. The name is still stored only
    /// encrypted, so crypto-shredding the campaign erases it like the rest, old copies included.
    /// </summary>
    public bool ShowNamePublicly { get; set; }

    /// <summary>Ids of the campaign hosts this signer agreed to hear from.</summary>
    public List<int> UpdatesFromHostIds { get; set; } = [];
    public required string Locale { get; set; }
    public string State { get; set; } = SignatureState.Pending;

    /// <summary>Why an invalidated signature was set aside (a bot check's reason), for moderators.</summary>
    public string? InvalidatedBecause { get; set; }

    /// <summary>
    /// Why the signature waits for a moderator (a rate limit's reason) before it can count; null once
    /// released, or when it never had to wait.
    /// </summary>
    public string? HeldBecause { get; set; }

    /// <summary>The moderator's bulk invalidation that set this signature aside, if any (undone by clearing it).</summary>
    public long? InvalidationId { get; set; }

    /// <summary>Keyed hashes of the sender's IP address and network, salted with the day's salt (see NetworkAddresses).</summary>
    public byte[]? AddressHash { get; set; }
    public byte[]? NetworkHash { get; set; }

    /// <summary>Keyed hash of the email's domain, so the moderators' report can group by domain without reading addresses.</summary>
    public byte[]? EmailDomainKey { get; set; }
    /// <summary>
    /// The share channel whose link brought the signer, one of <see cref="Campaigns.Referral.Codes"/>; null when they came
    /// another way. It names a channel, not a person, and the organisers see it only as counts.
    /// </summary>
    public string? Referral { get; set; }

    /// <summary>
    /// The coalition partner (host) whose own share link brought the signer (<see cref="Campaigns.Referral.PartnerCode"/>),
    /// so each partner sees whom it brought, as counts; null when none did. No foreign key: hosts are never deleted.
    /// </summary>
    public int? ReferredByHostId { get; set; }
    public bool IsDemo { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? ConfirmedAt { get; set; }

    /// <summary>
    /// When someone signing again with this address last made us email its owner ("already signed",
    /// or the confirmation link once more); see <see cref="SignatureIntake.RepeatEmailPeriod"/>.
    /// </summary>
    public DateTime? RepeatEmailAt { get; set; }

    /// <summary>SHA-256 of the confirmation token; the token itself exists only in the email.</summary>
    public byte[]? ConfirmationTokenHash { get; set; }
    public DateTime? ConfirmationTokenExpiresAt { get; set; }
}
