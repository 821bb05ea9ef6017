using System.Globalization;
using Countersign.Campaigns;

namespace Countersign.Updates;

/// <summary>The update form, as typed.</summary>
public sealed class UpdateForm
{
    public string? Title { get; set; }

    /// <summary>The id of one of the campaign's hosts, as the select posts it.</summary>
    public string? HostId { get; set; }
    public string? Body { get; set; }

    public static UpdateForm From(CampaignUpdate update) => new()
    {
        Title = update.Title,
        HostId = update.HostId.ToString(CultureInfo.InvariantCulture),
        Body = update.BodyMarkdown,
    };

    /// <summary>The chosen host, when it is one of the campaign's.</summary>
    public CampaignHost? HostIn(Campaign campaign) =>
        int.TryParse(HostId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? campaign.Hosts.FirstOrDefault(h => h.Id == id) : null;
}
