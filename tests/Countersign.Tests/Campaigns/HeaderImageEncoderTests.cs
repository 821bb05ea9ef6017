using System.Text;
using Countersign.Campaigns;
using Countersign.Tests.Infrastructure;
using SkiaSharp;

namespace Countersign.Tests.Campaigns;

/// <summary>How an organiser's upload becomes a header image's files: metadata gone, upright, cropped, in a few widths.</summary>
public sealed class HeaderImageEncoderTests
{
    [Fact]
    public async Task Should_keep_only_the_pixels_turned_upright_dropping_the_cameras_place_and_words()
    {
        // Stored 2000×1000 with the tag "turn 90° clockwise to view" (6): a portrait 1000×2000, red on top.
        var upload = TestPictures.WithExif(TestPictures.Halves(2000, 1000), orientation: 6, "SECRET-PLACE Bahnhofstrasse");
        Assert.Contains("SECRET-PLACE", Encoding.ASCII.GetString(upload), StringComparison.Ordinal);

        var (problem, image) = await HeaderImageEncoder.EncodeAsync(upload, default);

        Assert.Equal(HeaderImageProblem.None, problem);
        Assert.NotNull(image);

        // A portrait is cropped to a square around its middle: the top half red, the bottom half blue.
        Assert.Equal((1000, 1000), (image.Width, image.Height));
        Assert.Equal([480, 960, 1000], image.Files.Select(f => f.Width));
        foreach (var file in image.Files)
        {
            var text = Encoding.Latin1.GetString(file.Bytes);
            Assert.StartsWith("RIFF", text, StringComparison.Ordinal);
            Assert.Equal("WEBP", text[8..12]);
            Assert.DoesNotContain("SECRET", text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exif", text, StringComparison.Ordinal);
            Assert.DoesNotContain("XMP", text, StringComparison.Ordinal);

            using var decoded = SKBitmap.Decode(file.Bytes);
            Assert.Equal((file.Width, file.Height), (decoded.Width, decoded.Height));
            Assert.Equal(file.Width, file.Height);
            Assert.True(TestPictures.IsReddish(decoded.GetPixel(file.Width / 2, file.Height / 10)), $"top of the {file.Width} file: {decoded.GetPixel(file.Width / 2, file.Height / 10)}");
            Assert.True(TestPictures.IsBluish(decoded.GetPixel(file.Width / 2, file.Height * 9 / 10)), $"bottom of the {file.Width} file");
        }
    }

    [Theory]
    [InlineData(3, 1600, 800, true)]    // turned 180°: blue on the left
    [InlineData(2, 1600, 800, true)]    // mirrored: blue on the left
    [InlineData(1, 1600, 800, false)]   // as stored
    [InlineData(4, 1600, 800, false)]   // flipped upside down: still red on the left
    public async Task Should_follow_each_orientation_tag(ushort orientation, int width, int height, bool blueOnTheLeft)
    {
        var (_, image) = await HeaderImageEncoder.EncodeAsync(TestPictures.WithExif(TestPictures.Halves(width, height), orientation, "A street"), default);

        var largest = image!.Files[^1];
        using var decoded = SKBitmap.Decode(largest.Bytes);
        Assert.Equal((1600, 800), (decoded.Width, decoded.Height));
        Assert.Equal(blueOnTheLeft, TestPictures.IsBluish(decoded.GetPixel(decoded.Width / 10, decoded.Height / 2)));
        Assert.Equal(blueOnTheLeft, TestPictures.IsReddish(decoded.GetPixel(decoded.Width * 9 / 10, decoded.Height / 2)));
    }

    [Theory]
    [InlineData(4000, 500, 1500, 500)]     // a panorama keeps its middle, three times as wide as tall
    [InlineData(6000, 4000, 1600, 1067)]   // a large photo is drawn at most 1600 wide
    [InlineData(640, 480, 640, 480)]       // a small one keeps its size, with the 480 width beside it
    public async Task Should_crop_to_a_headers_shape_and_store_each_width_up_to_the_pictures(int width, int height, int largestWidth, int largestHeight)
    {
        var (problem, image) = await HeaderImageEncoder.EncodeAsync(TestPictures.Halves(width, height, SKEncodedImageFormat.Png), default);

        Assert.Equal(HeaderImageProblem.None, problem);
        Assert.Equal((largestWidth, largestHeight), (image!.Width, image.Height));
        Assert.Equal(CampaignImage.WidthsFor(largestWidth), image.Files.Select(f => f.Width));
        Assert.All(image.Files, file => Assert.Equal(CampaignImage.HeightAt(file.Width, largestWidth, largestHeight), file.Height));
    }

    [Fact]
    public async Task Should_refuse_what_is_not_a_usable_picture_with_its_reason()
    {
        var jpeg = TestPictures.Halves(1200, 800);
        var cases = new (string Name, byte[] Upload, HeaderImageProblem Expected)[]
        {
            ("an empty file", [], HeaderImageProblem.Empty),
            ("a text file", "Not a picture at all"u8.ToArray(), HeaderImageProblem.NotAnImage),
            ("an SVG drawing", "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"900\" height=\"600\"></svg>"u8.ToArray(), HeaderImageProblem.NotAnImage),
            ("a file past the size limit", new byte[HeaderImageEncoder.MaxBytes + 1], HeaderImageProblem.TooLarge),
            ("a picture too narrow", TestPictures.Halves(400, 300), HeaderImageProblem.TooSmall),
            ("a strip too thin once cropped", TestPictures.Halves(3000, 100), HeaderImageProblem.TooSmall),
            ("a PNG claiming 20,000 × 20,000 pixels", TestPictures.PngClaiming(20_000, 20_000), HeaderImageProblem.TooManyPixels),
            ("a JPEG cut in half", jpeg[..(jpeg.Length / 2)], HeaderImageProblem.Damaged),
        };

        foreach (var (name, upload, expected) in cases)
        {
            var (problem, image) = await HeaderImageEncoder.EncodeAsync(upload, default);
            Assert.True(expected == problem, $"{name}: {problem}, expected {expected}");
            Assert.Null(image);
            Assert.NotEmpty(CampaignImageInput.Explain(problem));
        }
    }
}
