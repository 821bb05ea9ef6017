namespace Countersign.Comments;

/// <summary>
/// One person's comment on a campaign. Everything they typed (name, email, text) is stored only
/// encrypted with the campaign's key, like a signature, so crypto-shredding the campaign erases
/// it everywhere, old copies included; the erasure also deletes the rows. The email key (a keyed
/// hash of the normalised address) lets a signer who erases their signature take their comments too.
/// </summary>
public sealed class Comment
{
    public const int NameMaxLength = Signing.Signature.NameMaxLength;
    public const int TextMaxLength = 2_000;
    public const int ReasonMaxLength = 500;

    public long Id { get; set; }
    public int CampaignId { get; set; }
    public required byte[] NameCiphertext { get; set; }
    public required byte[] EmailCiphertext { get; set; }
    public required byte[] EmailKey { get; set; }
    public required byte[] TextCiphertext { get; set; }
    public required string Locale { get; set; }
    public string State { get; set; } = CommentState.Pending;

    /// <summary>
    /// Why a confirmed comment waits for a moderator even on a post-moderated campaign (a rate
    /// limit's reason, see <see cref="Abuse.SigningRates"/>); null when it never had to.
    /// </summary>
    public string? HeldBecause { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime? ConfirmedAt { get; set; }

    /// <summary>When it first became visible: the date the campaign page shows.</summary>
    public DateTime? PublishedAt { get; set; }

    /// <summary>SHA-256 of the confirmation token; the token itself exists only in the email.</summary>
    public byte[]? ConfirmationTokenHash { get; set; }
    public DateTime? ConfirmationTokenExpiresAt { get; set; }

    /// <summary>The last moderator's decision: who, when, and the reason given for a hide or a restore.</summary>
    public int? ModeratedBy { get; set; }
    public DateTime? ModeratedAt { get; set; }
    public string? ModerationReason { get; set; }
}
