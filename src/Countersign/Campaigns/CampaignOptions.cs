using System.ComponentModel.DataAnnotations;

namespace Countersign.Campaigns;

/// <summary><c>Campaigns:*</c>: how a new campaign reaches the public.</summary>
public sealed class CampaignOptions
{
    public const string Section = "Campaigns";

    /// <summary>
    /// Confirmed signatures a campaign needs from its sponsor link before it goes to the moderators, as on the
    /// UK Parliament's petitions site; 0 (the default) sends it straight to the moderators.
    /// </summary>
    [Range(0, 10_000)]
    public int SponsorSignatures { get; set; }
}
