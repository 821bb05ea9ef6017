namespace Countersign.Letters;

/// <summary>
/// An organisation co-signing a campaign's open letter. What it says of itself (name, description, members, kind,
/// country, website, parent) is public once the organisers approve it; the person who authorised the signature
/// (name, role, email) is private and stored only encrypted with the campaign's key, like a signer's details.
/// </summary>
public sealed class CoSignature
{
    public const int NameMaxLength = 200;
    public const int DescriptionMaxLength = 200;
    public const int WebsiteMaxLength = 300;
    public const int RoleMaxLength = 120;
    public const int ReasonMaxLength = 500;
    public const int MaxMembers = 100_000_000;

    public long Id { get; set; }
    public int CampaignId { get; set; }

    /// <summary>The wording of the letter the organisation signed (<see cref="LetterVersion"/>).</summary>
    public long LetterVersionId { get; set; }

    public required string Name { get; set; }

    /// <summary>One line on whom it represents: "6,000 staff at 13 universities".</summary>
    public required string Description { get; set; }
    public int? Members { get; set; }
    public required string Kind { get; set; }
    public required string CountryCode { get; set; }
    public required string Website { get; set; }

    /// <summary>An organisation already on the letter that this one belongs to (a society under its academy); its members include this one's.</summary>
    public long? ParentId { get; set; }

    public required byte[] ContactNameCiphertext { get; set; }
    public required byte[] ContactRoleCiphertext { get; set; }
    public required byte[] ContactEmailCiphertext { get; set; }

    /// <summary>Keyed hash of the contact's normalised address: two co-signatures of one organisation by one person are one.</summary>
    public required byte[] EmailKey { get; set; }

    /// <summary>The contact's address is at the organisation's own domain (their registrable domains match).</summary>
    public bool DomainVerified { get; set; }

    /// <summary>
    /// When the organisation proved its domain with the DNS TXT record Countersign asked for (<see cref="DomainProof"/>);
    /// null until it did. Once proved it stays proved: the record may come down afterwards.
    /// </summary>
    public DateTime? DnsVerifiedAt { get; set; }

    /// <summary>
    /// Why the organisers should look twice: a rate limit's reason (<see cref="Abuse.SigningRates"/>), when many
    /// co-signatures came from one place at once; null when none did. Every co-signature waits for the organisers anyway.
    /// </summary>
    public string? FlaggedBecause { get; set; }

    /// <summary>The language the contact used, for the emails they get.</summary>
    public required string Locale { get; set; }
    public string State { get; set; } = CoSignatureState.Pending;
    public DateTime CreatedAt { get; set; }
    public DateTime? ConfirmedAt { get; set; }

    /// <summary>The organisers' decision: who, when, and the reason given to a rejected organisation.</summary>
    public DateTime? DecidedAt { get; set; }
    public int? DecidedBy { get; set; }
    public string? RejectionReason { get; set; }
    public DateTime? WithdrawnAt { get; set; }

    /// <summary>SHA-256 of the confirmation token; the token itself exists only in the email.</summary>
    public byte[]? ConfirmationTokenHash { get; set; }
    public DateTime? ConfirmationTokenExpiresAt { get; set; }
}
