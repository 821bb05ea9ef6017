using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace Countersign.Campaigns;

/// <summary>
/// A campaign's header image, as its organisers uploaded it once <see cref="HeaderImageEncoder"/> re-encoded it: a few
/// widths of the same picture (<see cref="CampaignImageFile"/>) that browsers choose from with <c>srcset</c>, and the
/// words a person who cannot see it reads instead.
/// </summary>
/// <remarks>
/// Its files live at an address made of a random <see cref="Token"/>, new with every upload: the address works for
/// whoever is shown the page (a draft's organisers, a sponsor link's supporters, everyone once public) and never for
/// anyone guessing, and browsers may keep a file for good, since a new picture gets a new address.
/// </remarks>
public sealed class CampaignImage
{
    public const int AltMaxLength = 250;
    public const int TokenMaxLength = 32;

    /// <summary>The widths stored, in pixels, when the picture is at least as wide: a phone's, a laptop's and a sharp screen's column.</summary>
    public static readonly IReadOnlyList<int> StandardWidths = [480, 960, 1600];

    public int Id { get; set; }
    public int CampaignId { get; set; }
    public required string Token { get; set; }

    /// <summary>What the picture shows, for screen readers and when it does not load; required.</summary>
    public required string Alt { get; set; }

    /// <summary>The largest file's size in pixels; the smaller ones keep its proportions.</summary>
    public int Width { get; set; }
    public int Height { get; set; }

    public DateTime UploadedAt { get; set; }

    public List<CampaignImageFile> Files { get; set; } = [];

    /// <summary>The widths stored for a picture whose largest file is <see cref="Width"/> wide (smallest first).</summary>
    public IReadOnlyList<int> Widths => WidthsFor(Width);

    /// <summary>The standard widths narrower than <paramref name="largest"/>, then <paramref name="largest"/> itself.</summary>
    public static IReadOnlyList<int> WidthsFor(int largest) => [.. StandardWidths.Where(width => width < largest), largest];

    /// <summary>The height of the file <paramref name="width"/> wide, in the picture's proportions.</summary>
    public int HeightAt(int width) => HeightAt(width, Width, Height);

    public static int HeightAt(int width, int largestWidth, int largestHeight) =>
        Math.Max(1, (int)Math.Round((double)width * largestHeight / largestWidth, MidpointRounding.AwayFromZero));

    /// <summary>The <c>srcset</c> attribute's value: each width's address and its width.</summary>
    public string Srcset(Func<int, string> address) =>
        string.Join(", ", Widths.Select(width => string.Create(CultureInfo.InvariantCulture, $"{address(width)} {width}w")));

    /// <summary>A new header image of the encoder's files, at a new address.</summary>
    public static CampaignImage From(EncodedHeaderImage encoded, string alt, DateTime now) => new()
    {
        Token = NewToken(),
        Alt = alt,
        Width = encoded.Width,
        Height = encoded.Height,
        UploadedAt = now,
        Files = [.. encoded.Files],
    };

    public static string NewToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));
}

/// <summary>One width of a campaign's header image, as WebP.</summary>
public sealed class CampaignImageFile
{
    public const string ContentType = "image/webp";

    public int Id { get; set; }
    public int CampaignImageId { get; set; }
    public int Width { get; set; }
    public int Height { get; set; }
    public required byte[] Bytes { get; set; }
}
