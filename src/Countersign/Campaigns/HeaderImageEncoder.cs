using SkiaSharp;

namespace Countersign.Campaigns;

/// <summary>Why an uploaded file cannot be a header image.</summary>
public enum HeaderImageProblem
{
    None,
    Empty,
    TooLarge,
    NotAnImage,
    TooManyPixels,
    TooSmall,
    Damaged,
}

/// <summary>
/// What a picture is made into: kept whole between <paramref name="MinAspect"/> and <paramref name="MaxAspect"/> (width
/// over height; beyond, cropped around the middle), at least <paramref name="MinWidth"/> pixels wide once cropped, drawn
/// at <paramref name="Widths"/> (narrower than the picture, and the picture's own width up to the last) and never taller
/// than <paramref name="MaxHeight"/>.
/// </summary>
public sealed record ImageShape(int MinWidth, double MinAspect, double MaxAspect, IReadOnlyList<int> Widths, int MaxHeight = int.MaxValue)
{
    /// <summary>A campaign's header image: at least as wide as tall, at most three times; 480, 960 and 1600 pixels wide.</summary>
    public static readonly ImageShape Header = new(HeaderImageEncoder.MinWidth, HeaderImageEncoder.MinAspect, HeaderImageEncoder.MaxAspect, CampaignImage.StandardWidths);

    /// <summary>
    /// A coalition partner's logo: one file, at most 320 pixels wide and 160 tall (twice the room the campaign page gives
    /// it, for sharp screens). Logos come in every shape, from a square badge to a long wordmark, and a cropped logo is a
    /// wrong logo: only shapes past a tall 1:4 or a long 8:1 are cropped.
    /// </summary>
    public static readonly ImageShape Logo = new(MinWidth: 64, MinAspect: 0.25, MaxAspect: 8.0, Widths: [320], MaxHeight: 160);

    /// <summary>The widths stored for a picture whose largest file is <paramref name="largest"/> wide (smallest first).</summary>
    public IReadOnlyList<int> WidthsFor(int largest) => [.. Widths.Where(width => width < largest), largest];
}

/// <summary>A header image's files, each width re-encoded from the upload's pixels alone.</summary>
public sealed record EncodedHeaderImage(int Width, int Height, IReadOnlyList<CampaignImageFile> Files);

/// <summary>
/// Turns an organiser's upload into a header image's files: it decodes the picture (JPEG, PNG, WebP or GIF), turns it
/// upright as the camera's orientation tag says, converts its colours to sRGB, crops it to a header's proportions and
/// draws it anew at <see cref="CampaignImage.StandardWidths"/>, as WebP.
/// </summary>
/// <remarks>
/// Only pixels cross from the upload to the files: the camera's EXIF (with its GPS position, the phone's model and
/// the time the photo was taken), XMP, comments and colour profiles stay behind, because a photo taken at a protest can
/// say where its author stood. Decoding is bounded before it starts: the file's size, then its pixel count as its
/// header states it; JPEGs much larger than needed are decoded at a fraction of their size.
/// </remarks>
public static class HeaderImageEncoder
{
    /// <summary>The largest upload taken: a phone's photo is 2 to 8 MB.</summary>
    public const int MaxBytes = 10 * 1024 * 1024;

    /// <summary>The most pixels decoded at once (40 megapixels, about 160 MB of memory while encoding).</summary>
    public const long MaxPixels = 40_000_000;

    /// <summary>The largest picture's pixel count as its header states it, for JPEGs that can be decoded at a fraction of their size.</summary>
    public const long MaxStatedPixels = 200_000_000;

    /// <summary>Narrower than this, the picture would be blurred on a phone.</summary>
    public const int MinWidth = 480;

    /// <summary>A header is at most as tall as it is wide, and at most three times as wide as it is tall: the rest is cropped around the middle.</summary>
    public const double MinAspect = 1.0;
    public const double MaxAspect = 3.0;

    private const int WebpQuality = 80;

    /// <summary>One picture decoded at a time: a few large uploads at once must not exhaust a small server's memory.</summary>
    private static readonly SemaphoreSlim OneAtATime = new(1, 1);

    public static Task<(HeaderImageProblem Problem, EncodedHeaderImage? Image)> EncodeAsync(byte[] upload, CancellationToken cancellationToken) =>
        EncodeAsync(upload, ImageShape.Header, cancellationToken);

    /// <summary>
    /// An uploaded file drawn anew in <paramref name="shape"/>. A file past <paramref name="maxBytes"/> is refused by its
    /// stated length, before it is read.
    /// </summary>
    public static async Task<(HeaderImageProblem Problem, EncodedHeaderImage? Image)> EncodeAsync(IFormFile file, long maxBytes, ImageShape shape, CancellationToken cancellationToken)
    {
        if (file.Length > maxBytes)
        {
            return (HeaderImageProblem.TooLarge, null);
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        return await EncodeAsync(buffer.ToArray(), shape, cancellationToken);
    }

    /// <summary>The upload drawn anew in <paramref name="shape"/>: a header image, or a partner's logo.</summary>
    public static async Task<(HeaderImageProblem Problem, EncodedHeaderImage? Image)> EncodeAsync(byte[] upload, ImageShape shape, CancellationToken cancellationToken)
    {
        if (upload.Length == 0)
        {
            return (HeaderImageProblem.Empty, null);
        }

        if (upload.Length > MaxBytes)
        {
            return (HeaderImageProblem.TooLarge, null);
        }

        await OneAtATime.WaitAsync(cancellationToken);
        try
        {
            return Encode(upload, shape);
        }
        finally
        {
            OneAtATime.Release();
        }
    }

    private static (HeaderImageProblem, EncodedHeaderImage?) Encode(byte[] upload, ImageShape shape)
    {
        using var data = SKData.CreateCopy(upload);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedFormat is not (SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp or SKEncodedImageFormat.Gif))
        {
            return (HeaderImageProblem.NotAnImage, null);
        }

        var stated = codec.Info.Size;
        if (stated.Width <= 0 || stated.Height <= 0 || (long)stated.Width * stated.Height > MaxStatedPixels)
        {
            return (HeaderImageProblem.TooManyPixels, null);
        }

        // Sizes as the reader sees the picture, once turned upright.
        var turned = SwapsSides(codec.EncodedOrigin);
        var crop = CropOf(turned ? stated.Height : stated.Width, turned ? stated.Width : stated.Height, shape);
        if (crop.Width < shape.MinWidth)
        {
            return (HeaderImageProblem.TooSmall, null);
        }

        // Decoded no larger than the widest file needs (JPEG decodes at eighths of its size; other formats whole).
        var largest = Math.Min(Math.Min(shape.Widths[^1], crop.Width), (int)Math.Min(int.MaxValue, (long)shape.MaxHeight * crop.Width / crop.Height));
        if (largest < 1)
        {
            return (HeaderImageProblem.TooSmall, null);
        }

        var decodedSize = codec.GetScaledDimensions((float)largest / crop.Width);
        if (decodedSize.Width < 1 || decodedSize.Height < 1 || (long)decodedSize.Width * decodedSize.Height > MaxPixels)
        {
            return (HeaderImageProblem.TooManyPixels, null);
        }

        var decodedInfo = new SKImageInfo(decodedSize.Width, decodedSize.Height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var decoded = new SKBitmap(decodedInfo);
        var result = codec.GetPixels(decodedInfo, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            return (result == SKCodecResult.InvalidScale ? HeaderImageProblem.TooManyPixels : HeaderImageProblem.Damaged, null);
        }

        using var upright = Upright(decoded, codec.EncodedOrigin);

        // The crop again, in the decoded picture's pixels.
        var scale = (double)upright.Width / (turned ? stated.Height : stated.Width);
        var source = SKRect.Create((float)(crop.Left * scale), (float)(crop.Top * scale), (float)(crop.Width * scale), (float)(crop.Height * scale));
        var largestHeight = CampaignImage.HeightAt(largest, crop.Width, crop.Height);
        var files = shape.WidthsFor(largest)
            .Select(width => Draw(upright, source, width, CampaignImage.HeightAt(width, largest, largestHeight)))
            .ToList();
        return (HeaderImageProblem.None, new EncodedHeaderImage(largest, largestHeight, files));
    }

    /// <summary>The part kept of a picture <paramref name="width"/> by <paramref name="height"/>: all of it, or its middle in a header's proportions.</summary>
    public static SKRectI CropOf(int width, int height) => CropOf(width, height, ImageShape.Header);

    /// <summary>The part kept of a picture <paramref name="width"/> by <paramref name="height"/> in <paramref name="shape"/>'s proportions.</summary>
    public static SKRectI CropOf(int width, int height, ImageShape shape)
    {
        if (width < height * shape.MinAspect)
        {
            var kept = (int)(width / shape.MinAspect);
            return SKRectI.Create(0, (height - kept) / 2, width, kept);
        }

        if (width > height * shape.MaxAspect)
        {
            var kept = (int)(height * shape.MaxAspect);
            return SKRectI.Create((width - kept) / 2, 0, kept, height);
        }

        return SKRectI.Create(0, 0, width, height);
    }

    private static CampaignImageFile Draw(SKImage upright, SKRect source, int width, int height)
    {
        var info = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul, SKColorSpace.CreateSrgb());
        using var surface = SKSurface.Create(info);

        // Mipmaps keep a picture drawn at a fraction of its size from shimmering.
        surface.Canvas.DrawImage(upright, source, SKRect.Create(width, height), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        using var drawn = surface.Snapshot();
        using var webp = drawn.Encode(SKEncodedImageFormat.Webp, WebpQuality);
        return new CampaignImageFile { Width = width, Height = height, Bytes = webp.ToArray() };
    }

    private static bool SwapsSides(SKEncodedOrigin origin) =>
        origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;

    /// <summary>The picture turned and flipped as the camera's orientation tag says, so it stays upright once the tag is gone.</summary>
    private static SKImage Upright(SKBitmap decoded, SKEncodedOrigin origin)
    {
        if (origin == SKEncodedOrigin.TopLeft)
        {
            // Stored upright, as most pictures are: no second copy of every pixel to draw.
            return SKImage.FromBitmap(decoded);
        }

        float w = decoded.Width, h = decoded.Height;

        // Where each pixel (x, y) of the stored picture goes: x' = a·x + b·y + c, y' = d·x + e·y + f.
        var (a, b, c, d, e, f) = origin switch
        {
            SKEncodedOrigin.TopRight => (-1f, 0f, w, 0f, 1f, 0f),
            SKEncodedOrigin.BottomRight => (-1f, 0f, w, 0f, -1f, h),
            SKEncodedOrigin.BottomLeft => (1f, 0f, 0f, 0f, -1f, h),
            SKEncodedOrigin.LeftTop => (0f, 1f, 0f, 1f, 0f, 0f),
            SKEncodedOrigin.RightTop => (0f, -1f, h, 1f, 0f, 0f),
            SKEncodedOrigin.RightBottom => (0f, -1f, h, -1f, 0f, w),
            SKEncodedOrigin.LeftBottom => (0f, 1f, 0f, -1f, 0f, w),
            _ => (1f, 0f, 0f, 0f, 1f, 0f),
        };
        var turned = SwapsSides(origin);
        var info = decoded.Info.WithSize(turned ? decoded.Height : decoded.Width, turned ? decoded.Width : decoded.Height);
        using var surface = SKSurface.Create(info);
        surface.Canvas.SetMatrix(new SKMatrix(a, b, c, d, e, f, 0, 0, 1));
        using var stored = SKImage.FromBitmap(decoded);
        surface.Canvas.DrawImage(stored, 0, 0, SKSamplingOptions.Default);
        return surface.Snapshot();
    }
}
