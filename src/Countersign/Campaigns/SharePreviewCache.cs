using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace Countersign.Campaigns;

/// <summary>
/// The share images drawn lately, kept in memory (at most <see cref="MaxImages"/>), one per campaign and wording:
/// a campaign shared widely is fetched by every site its link is posted on, and drawing takes tens of milliseconds.
/// When the count moves the image is drawn again, but at most once every <see cref="RedrawInterval"/>, so a campaign
/// taking a signature a second is not redrawn a second; each card is drawn once at a time, however many ask for it.
/// </summary>
public sealed class SharePreviewCache(TimeProvider clock) : IDisposable
{
    /// <summary>How long an image may show an old count before a new one is drawn.</summary>
    public static readonly TimeSpan RedrawInterval = TimeSpan.FromMinutes(1);

    /// <summary>A PNG is 50 to 150 kB: a few hundred campaigns' images fit in a few tens of megabytes.</summary>
    public const int MaxImages = 300;

    /// <summary>Changes whenever the drawing changes, so browsers and proxies holding an older image fetch the new one.</summary>
    private const string DrawingVersion = "1";

    private readonly MemoryCache _images = new(new MemoryCacheOptions { SizeLimit = MaxImages });
    private readonly Lock _gate = new();

    /// <summary>The campaign's image: drawn for this card, or, within <see cref="RedrawInterval"/> of the last drawing, that one's.</summary>
    public SharePreviewImage For(string slug, CampaignCard card) =>
        Find("campaign:" + slug + ":" + Hash(card with { Count = "", CountNoun = "", Progress = null }), Hash(card), () => PreviewImage.Draw(card), mayShowOldCount: true);

    /// <summary>The site's own image, which only changes with its name or address.</summary>
    public SharePreviewImage ForSite(string siteName, string address) =>
        Find("site", Hash(siteName, address), () => PreviewImage.DrawSite(siteName, address), mayShowOldCount: false);

    private SharePreviewImage Find(string key, string tag, Func<byte[]> draw, bool mayShowOldCount)
    {
        var now = clock.GetUtcNow();
        var etag = $"\"{tag}\"";
        lock (_gate)
        {
            if (_images.TryGetValue(key, out SharePreviewImage? image) && image is not null && !image.Png.IsFaulted
                && (image.ETag == etag || (mayShowOldCount && now - image.DrawnAt < RedrawInterval)))
            {
                return image;
            }

            // Drawn on the thread pool, so the requests waiting for the same image await it instead of blocking a thread.
            image = new SharePreviewImage(etag, now, Task.Run(draw));
            _images.Set(key, image, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = TimeSpan.FromHours(6) });
            return image;
        }
    }

    private static string Hash(CampaignCard card) => Hash(
        card.SiteName, card.Title, card.Count, card.CountNoun, card.Goal ?? "", card.Progress?.ToString("R", System.Globalization.CultureInfo.InvariantCulture) ?? "", card.Hosts ?? "");

    private static string Hash(params string[] parts)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(DrawingVersion + "\u0000" + string.Join('\u0000', parts)));
        return Convert.ToBase64String(bytes, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }

    public void Dispose() => _images.Dispose();
}

/// <summary>An image being drawn or drawn, with its entity tag (quoted, as HTTP writes it) and when it was started.</summary>
public sealed record SharePreviewImage(string ETag, DateTimeOffset DrawnAt, Task<byte[]> Png);
