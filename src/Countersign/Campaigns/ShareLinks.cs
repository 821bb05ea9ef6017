using Countersign.Hosting;
using Microsoft.Extensions.Localization;

namespace Countersign.Campaigns;

/// <summary>
/// The addresses that pass a public campaign on, one per share channel, each carrying the campaign's address
/// and a line asking others to sign, escaped for its place in the address. They are built here and nowhere else:
/// written out in a view, three of them once ended with a literal "@url" instead of the campaign's address.
/// </summary>
/// <remarks>
/// Signal has no web address that opens a message: people reach it through the browser's own share sheet
/// (the Web Share button) or the copied link. Every address leads to another site, so none is requested before
/// someone follows it.
/// </remarks>
public sealed class ShareLinks
{
    public const string Email = "Email";
    public const string WhatsApp = "WhatsApp";
    public const string Telegram = "Telegram";
    public const string Bluesky = "Bluesky";
    public const string Mastodon = "Mastodon";
    public const string X = "X";
    public const string Facebook = "Facebook";
    public const string LinkedIn = "LinkedIn";

    /// <summary>Every share channel, in the order the share panel offers them (Mastodon last, as it asks for the person's server).</summary>
    public static readonly IReadOnlyList<string> Channels = [Email, WhatsApp, Telegram, Bluesky, X, Facebook, LinkedIn, Mastodon];

    private ShareLinks(string slug, string campaignUrl, string title, string text, bool afterSigning)
    {
        Slug = slug;
        CampaignUrl = campaignUrl;
        Title = title;
        Text = text;
        AfterSigning = afterSigning;
    }

    /// <summary>
    /// The links of a public campaign, in the reader's language: from someone who has just signed it
    /// (<paramref name="afterSigning"/>), or from a reader of its page, who may not have.
    /// </summary>
    public static ShareLinks For(Campaign campaign, bool afterSigning, SiteOptions site, IStringLocalizer t) => new(
        campaign.Slug,
        site.Link($"c/{campaign.Slug}"),
        campaign.Title,
        afterSigning ? t["I signed “{0}”. Will you sign too?", campaign.Title] : t["Will you sign “{0}”?", campaign.Title],
        afterSigning);

    public string Slug { get; }

    /// <summary>The campaign's public address, as people will open it.</summary>
    public string CampaignUrl { get; }

    public string Title { get; }

    /// <summary>The line that goes with the address.</summary>
    public string Text { get; }

    /// <summary>Whether the line says the sharer signed.</summary>
    public bool AfterSigning { get; }

    /// <summary>The address that shares the campaign on <paramref name="channel"/>; Mastodon's needs the person's server (<see cref="OnMastodon"/>).</summary>
    public string On(string channel)
    {
        if (channel == Mastodon)
        {
            throw new ArgumentException("Mastodon has no address of its own: each person shares from their server (OnMastodon).", nameof(channel));
        }

        if (!Channels.Contains(channel))
        {
            throw new ArgumentOutOfRangeException(nameof(channel), channel, "Not a share channel.");
        }

        var campaignUrl = Escape(Referred(channel));
        var textAndAddress = TextAndAddress(channel);
        return channel switch
        {
            Email => $"mailto:?subject={Escape(Title)}&body={textAndAddress}",
            WhatsApp => $"https://wa.me/?text={textAndAddress}",
            Telegram => $"https://t.me/share/url?url={campaignUrl}&text={Escape(Text)}",
            Bluesky => $"https://bsky.app/intent/compose?text={textAndAddress}",
            X => $"https://x.com/intent/post?text={Escape(Text)}&url={campaignUrl}",
            Facebook => $"https://www.facebook.com/sharer/sharer.php?u={campaignUrl}",
            _ => $"https://www.linkedin.com/sharing/share-offsite/?url={campaignUrl}",
        };
    }

    /// <summary>The address that opens a new post on the person's own Mastodon server.</summary>
    public string OnMastodon(MastodonServer server) => $"https://{server.Host}/share?text={TextAndAddress(Mastodon)}";

    /// <summary>The address the link's text box, its copy button and the device's share sheet pass on.</summary>
    public string CopiedUrl => Referral.Mark(CampaignUrl, Referral.Copy);

    /// <summary>
    /// The campaign's address marked with the channel it is shared on, so the signatures it brings count for that
    /// channel in the organisers' figures (see <see cref="Referral"/>, whose codes are the channels' names in lower case).
    /// </summary>
    private string Referred(string channel) => Referral.Mark(CampaignUrl, channel.ToLowerInvariant());

    /// <summary>For channels that take a single text: the line, then the address, which the app turns into a link.</summary>
    private string TextAndAddress(string channel) => Escape(Text + " " + Referred(channel));

    private static string Escape(string value) => Uri.EscapeDataString(value);
}
