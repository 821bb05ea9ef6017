using SkiaSharp;

namespace Countersign.Campaigns;

/// <summary>
/// The demo's header image, drawn here rather than shipped as a photo (no photo's rights or faces to clear): a wall
/// of surveillance cameras with one struck through. It goes through <see cref="HeaderImageEncoder"/> as an upload does.
/// </summary>
public static class DemoPictures
{
    public const string CamerasAlt = "Drawing: rows of surveillance cameras on a dark wall, the nearest one struck through in red.";

    public static byte[] Cameras()
    {
        const int width = 1600, height = 900;
        using var surface = SKSurface.Create(new SKImageInfo(width, height));
        var canvas = surface.Canvas;
        using (var wall = new SKPaint())
        {
            wall.Shader = SKShader.CreateLinearGradient(new SKPoint(0, 0), new SKPoint(width, height),
                [SKColor.Parse("#1b2a3a"), SKColor.Parse("#0d141c")], SKShaderTileMode.Clamp);
            canvas.DrawRect(0, 0, width, height, wall);
        }

        using var body = new SKPaint { Color = SKColor.Parse("#c9ced6"), IsAntialias = true };
        using var lens = new SKPaint { Color = SKColor.Parse("#0d141c"), IsAntialias = true };
        using var glint = new SKPaint { Color = SKColor.Parse("#5b7a99"), IsAntialias = true };
        for (var row = 0; row < 3; row++)
        {
            for (var column = 0; column < 5; column++)
            {
                var x = 150 + column * 320 + (row % 2) * 80;
                var y = 170 + row * 250;
                DrawCamera(canvas, x, y, 0.8f, body, lens, glint);
            }
        }

        // The nearest camera, large, and the stroke through it.
        using var near = new SKPaint { Color = SKColor.Parse("#f2f2f2"), IsAntialias = true };
        DrawCamera(canvas, 1060, 520, 2.2f, near, lens, glint);
        using var strike = new SKPaint { Color = SKColor.Parse("#c62828"), IsAntialias = true, Style = SKPaintStyle.Stroke, StrokeWidth = 48, StrokeCap = SKStrokeCap.Round };
        canvas.DrawCircle(1060, 520, 300, strike);
        canvas.DrawLine(1060 - 212, 520 - 212, 1060 + 212, 520 + 212, strike);

        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>A wall camera: a housing on an arm, its lens looking down to the left.</summary>
    private static void DrawCamera(SKCanvas canvas, float x, float y, float scale, SKPaint body, SKPaint lens, SKPaint glint)
    {
        canvas.Save();
        canvas.Translate(x, y);
        canvas.Scale(scale);
        canvas.RotateDegrees(-12);
        canvas.DrawRect(50, -8, 16, 70, body);
        canvas.DrawRoundRect(new SKRect(-90, -40, 70, 20), 14, 14, body);
        canvas.DrawCircle(-90, -10, 26, body);
        canvas.DrawCircle(-90, -10, 17, lens);
        canvas.DrawCircle(-96, -16, 5, glint);
        canvas.Restore();
    }
}
