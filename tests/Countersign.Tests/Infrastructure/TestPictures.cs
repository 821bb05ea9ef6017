using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace Countersign.Tests.Infrastructure;

/// <summary>Pictures for the header image tests, drawn here: two colours side by side, so a turn or a flip shows.</summary>
public static class TestPictures
{
    public static readonly SKColor Left = SKColors.Red;
    public static readonly SKColor Right = SKColors.Blue;

    /// <summary>A picture whose left half is red and right half blue, encoded as <paramref name="format"/>.</summary>
    public static byte[] Halves(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg)
    {
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        using (var left = new SKPaint { Color = Left })
        using (var right = new SKPaint { Color = Right })
        {
            surface.Canvas.DrawRect(0, 0, width / 2f, height, left);
            surface.Canvas.DrawRect(width / 2f, 0, width - width / 2f, height, right);
        }

        using var image = surface.Snapshot();
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>
    /// The JPEG with a camera's EXIF block added after its start marker, as a phone writes it: an orientation tag, a
    /// description and a GPS position (47° 22′ 12.34″ N).
    /// </summary>
    public static byte[] WithExif(byte[] jpeg, ushort orientation, string description)
    {
        var text = Encoding.ASCII.GetBytes(description + "\0");
        var tiff = new byte[104 + text.Length];
        var span = tiff.AsSpan();
        "II"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], 42);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], 8);

        // IFD0 at 8: three entries in tag order, then no next IFD.
        BinaryPrimitives.WriteUInt16LittleEndian(span[8..], 3);
        Entry(span[10..], 0x010E, 2, (uint)text.Length, 104);   // ImageDescription, ASCII, at 104
        Entry(span[22..], 0x0112, 3, 1, orientation);           // Orientation, SHORT, in place
        Entry(span[34..], 0x8825, 4, 1, 50);                    // the GPS IFD, at 50

        // GPS IFD at 50: latitude reference "N" in place, latitude as three rationals at 80.
        BinaryPrimitives.WriteUInt16LittleEndian(span[50..], 2);
        Entry(span[52..], 0x0001, 2, 2, 'N');
        Entry(span[64..], 0x0002, 5, 3, 80);
        uint[] latitude = [47, 1, 22, 1, 1234, 100];
        for (var i = 0; i < latitude.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(span[(80 + 4 * i)..], latitude[i]);
        }

        text.CopyTo(span[104..]);

        var segment = new List<byte> { 0xFF, 0xE1 };
        var length = (ushort)(2 + 6 + tiff.Length);
        segment.Add((byte)(length >> 8));
        segment.Add((byte)length);
        segment.AddRange("Exif\0\0"u8.ToArray());
        segment.AddRange(tiff);
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>The start of a PNG whose header claims <paramref name="width"/> by <paramref name="height"/> pixels, with almost no pixels after it.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = 8;   // bits per sample
        header[9] = 2;   // RGB
        // A reader looks as far as the first data chunk before it says what the picture is.
        return [0x89, .. "PNG"u8.ToArray(), 0x0D, 0x0A, 0x1A, 0x0A, .. Chunk("IHDR", header), .. Chunk("IDAT", [0x78, 0x9C])];
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        byte[] typeAndData = [.. Encoding.ASCII.GetBytes(type), .. data];
        var chunk = new byte[4 + typeAndData.Length + 4];
        BinaryPrimitives.WriteInt32BigEndian(chunk, data.Length);
        typeAndData.CopyTo(chunk, 4);
        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(4 + typeAndData.Length), Crc32(typeAndData));
        return chunk;
    }

    /// <summary>The colour at a point of an encoded picture.</summary>
    public static SKColor ColourAt(byte[] encoded, int x, int y)
    {
        using var bitmap = SKBitmap.Decode(encoded);
        return bitmap.GetPixel(x, y);
    }

    public static bool IsReddish(SKColor colour) => colour.Red > 180 && colour.Blue < 80;

    public static bool IsBluish(SKColor colour) => colour.Blue > 180 && colour.Red < 80;

    private static void Entry(Span<byte> at, ushort tag, ushort type, uint count, uint value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(at, tag);
        BinaryPrimitives.WriteUInt16LittleEndian(at[2..], type);
        BinaryPrimitives.WriteUInt32LittleEndian(at[4..], count);
        BinaryPrimitives.WriteUInt32LittleEndian(at[8..], value);
    }

    /// <summary>PNG's chunk checksum (CRC-32, as in zlib).</summary>
    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        return ~crc;
    }
}
