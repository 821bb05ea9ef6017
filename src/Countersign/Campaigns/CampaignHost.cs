namespace Countersign.Campaigns;

/// <summary>
/// An organisation hosting a campaign, a partner of its coalition; signers choose per host whether to hear from it.
/// Its staff (the partner role) keep its description and logo, see its credit and export the opt-ins it received.
/// </summary>
/// <remarks>
/// A host is never deleted once it exists: signers' consents and signatures' credit point at its id. A host that
/// leaves (<see cref="LeftAt"/>) stays as a row, off every public page and form, so that the opt-ins it received
/// before, which are its own under its own privacy policy, stay exportable by it, and no new ones reach it.
/// </remarks>
public sealed class CampaignHost
{
    public const int NameMaxLength = 120;
    public const int WebsiteMaxLength = 300;

    /// <summary>One line on the campaign page, under the name: whom the organisation represents or what it does.</summary>
    public const int DescriptionMaxLength = 200;

    public int Id { get; set; }
    public int CampaignId { get; set; }
    public required string Name { get; set; }
    public string? Website { get; set; }
    public int Position { get; set; }

    /// <summary>The partner's own line about itself, shown with its name; null for none.</summary>
    public string? Description { get; set; }

    /// <summary>
    /// The address token of the host's logo (<see cref="HostLogo"/>), new with each upload so browsers may keep a file
    /// for good; null for none. Its size is kept here so that pages can reserve its place without reading the file.
    /// </summary>
    public string? LogoToken { get; set; }
    public int LogoWidth { get; set; }
    public int LogoHeight { get; set; }

    /// <summary>When the host left the coalition; null while it is a partner.</summary>
    public DateTime? LeftAt { get; set; }

    public bool HasLeft => LeftAt is not null;

    /// <summary>The host leaves the coalition; leaving twice keeps the first date.</summary>
    public void Leave(DateTime now) => LeftAt ??= now;

    /// <summary>The code of the host's own share link (<c>?via=p12</c>), which credits it with the signatures it brings (see <see cref="Referral"/>).</summary>
    public string ReferralCode => Referral.PartnerCode(Id);
}

/// <summary>A host's logo as the server drew it again from the upload's pixels (WebP), at the address of its token.</summary>
public sealed class HostLogo
{
    public const string ContentType = CampaignImageFile.ContentType;

    public int Id { get; set; }
    public int HostId { get; set; }
    public required string Token { get; set; }
    public required byte[] Bytes { get; set; }
    public DateTime UploadedAt { get; set; }
}
