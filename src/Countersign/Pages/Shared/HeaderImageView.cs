using Countersign.Campaigns;

namespace Countersign.Pages;

/// <summary>
/// A campaign's header image as a page shows it (<c>_HeaderImage.cshtml</c>): <paramref name="Sizes"/> tells the
/// browser how wide it is drawn, so a phone fetches the narrow file; <paramref name="FirstOnScreen"/> fetches it early
/// (the campaign page), otherwise it waits until scrolled near (the home page's cards).
/// </summary>
public sealed record HeaderImageView(Campaign Campaign, CampaignImage Image, string Sizes, bool FirstOnScreen)
{
    /// <summary>The campaign page's column: the whole screen on a phone, at most the reading measure beside the form.</summary>
    public const string CampaignPageSizes = "(min-width: 62rem) 42rem, calc(100vw - 2rem)";

    /// <summary>The home page's cards, at least 18rem each.</summary>
    public const string CardSizes = "(min-width: 40rem) 24rem, calc(100vw - 2rem)";
}
