using System.Globalization;
using System.Text;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace Countersign.Campaigns;

/// <summary>
/// Draws the 1200×630 PNG that link previews show (OpenGraph's recommended size): a campaign's title, count, progress
/// and hosts, or the site's name alone. The text is shaped by HarfBuzz in Noto fonts shipped inside the executable, so
/// Arabic letters join and right-to-left titles read from the right, whatever fonts the server has.
/// </summary>
/// <remarks>
/// Each run of text takes the font of its script (Arabic, Hebrew, everything else in Noto Sans) and digits keep their
/// left-to-right order inside a right-to-left title; a full Unicode bidi algorithm is more than a title needs.
/// </remarks>
public static class PreviewImage
{
    public const int Width = 1200;
    public const int Height = 630;

    /// <summary>The titles stop after this many lines, the last one ending in an ellipsis.</summary>
    public const int TitleMaxLines = 3;

    private const float Margin = 72;
    private const float HeaderHeight = 104;

    /// <summary>The room for the title: below the header's rule, above the count.</summary>
    private const float TitleTop = HeaderHeight + 56;
    private const float TitleBottom = Height - 210;
    private const string Ellipsis = "…";

    // The site's colours (wwwroot/css/site.css): ink on paper, the accent for the count and the progress.
    private static readonly SKColor Ink = SKColor.Parse("#1b1b1f");
    private static readonly SKColor Muted = SKColor.Parse("#4a4a55");
    private static readonly SKColor Paper = SKColor.Parse("#ffffff");
    private static readonly SKColor Accent = SKColor.Parse("#8a1c1c");
    private static readonly SKColor Line = SKColor.Parse("#d6d3cc");

    private static readonly Faces Regular = new(Load("NotoSans-Regular"), Load("NotoNaskhArabic-Regular"), Load("NotoSansHebrew-Regular"));
    private static readonly Faces Bold = new(Load("NotoSans-Bold"), Load("NotoNaskhArabic-Bold"), Load("NotoSansHebrew-Bold"));

    /// <summary>A campaign's card.</summary>
    public static byte[] Draw(CampaignCard card)
    {
        return Png(canvas =>
        {
            DrawFrame(canvas, card.SiteName, ruleOnRight: StartsRightToLeft(card.Title));

            var width = Width - 2 * Margin;
            var (size, lines) = FitTitle(card.Title, width, TitleBottom - TitleTop);
            var baseline = TitleTop + size;
            foreach (var line in lines)
            {
                DrawLine(canvas, line, Bold, size, Ink, baseline, width);
                baseline += size * LineSpacing(lines);
            }

            // The figures sit at the bottom whatever the title's length, as on the campaign page's progress block.
            var barTop = Height - 118f;
            var countBaseline = barTop - 28;
            var count = new TextLine(card.Count + " ", Bold, 52, Accent);
            var noun = new TextLine(card.CountNoun, Bold, 34, Ink);
            var goal = card.Goal is { } text ? new TextLine("  ·  " + text, Regular, 34, Muted) : null;
            var x = Margin;
            foreach (var part in new[] { count, noun, goal }.OfType<TextLine>())
            {
                x += DrawRuns(canvas, part.Text, part.Faces, part.Size, part.Colour, x, countBaseline);
            }

            if (card.Progress is { } progress)
            {
                using var track = new SKPaint { Color = Line, IsAntialias = true };
                using var fill = new SKPaint { Color = Accent, IsAntialias = true };
                var bar = new SKRect(Margin, barTop, Width - Margin, barTop + 22);
                canvas.DrawRoundRect(bar, 11, 11, track);
                if (progress > 0)
                {
                    var filled = new SKRect(bar.Left, bar.Top, bar.Left + Math.Max(22, bar.Width * Math.Clamp(progress, 0, 1)), bar.Bottom);
                    canvas.DrawRoundRect(filled, 11, 11, fill);
                }
            }

            if (card.Hosts is { } hosts)
            {
                var line = Truncate(hosts, Regular, 28, width);
                DrawLine(canvas, line, Regular, 28, Muted, Height - 42, width, rightToLeft: false);
            }
        });
    }

    /// <summary>The site's own card, for pages that are not a campaign's: its name and address, light on the header's dark.</summary>
    public static byte[] DrawSite(string siteName, string address)
    {
        return Png(canvas =>
        {
            canvas.Clear(Ink);
            using var accent = new SKPaint { Color = Accent };
            canvas.DrawRect(0, Height - 12, Width, 12, accent);
            var width = Width - 2 * Margin;
            var (size, lines) = FitTitle(siteName, width, height: 300);
            var baseline = 250 + size - lines.Count * size * LineSpacing(lines) / 2;
            foreach (var line in lines)
            {
                DrawLine(canvas, line, Bold, size, Paper, baseline, width);
                baseline += size * LineSpacing(lines);
            }

            var fromRight = StartsRightToLeft(siteName);
            canvas.DrawRect(fromRight ? Width - Margin - 96 : Margin, baseline - size * LineSpacing(lines) + 40, 96, 6, accent);
            DrawLine(canvas, Truncate(address, Regular, 36, width), Regular, 36, Line, baseline + 50, width, rightToLeft: fromRight);
        });
    }

    /// <summary>Paper with a dark band holding the site's name, like the site's header, and the accent along the bottom.</summary>
    /// <param name="ruleOnRight">The short rule above the title stands where a right-to-left title starts.</param>
    private static void DrawFrame(SKCanvas canvas, string siteName, bool ruleOnRight)
    {
        canvas.Clear(Paper);
        using var band = new SKPaint { Color = Ink };
        canvas.DrawRect(0, 0, Width, HeaderHeight, band);
        using var accent = new SKPaint { Color = Accent };
        canvas.DrawRect(0, Height - 12, Width, 12, accent);
        DrawRuns(canvas, Truncate(siteName, Bold, 36, Width - 2 * Margin), Bold, 36, Paper, Margin, HeaderHeight / 2 + 13);
        canvas.DrawRect(ruleOnRight ? Width - Margin - 96 : Margin, HeaderHeight + 24, 96, 6, accent);
    }

    private static byte[] Png(Action<SKCanvas> draw)
    {
        using var surface = SKSurface.Create(new SKImageInfo(Width, Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        draw(surface.Canvas);
        using var image = surface.Snapshot();
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    /// <summary>
    /// The largest of a few sizes at which the title fits in its lines and in <paramref name="height"/>; at the smallest,
    /// what does not fit ends in an ellipsis.
    /// </summary>
    private static (float Size, IReadOnlyList<string> Lines) FitTitle(string title, float width, float height)
    {
        float[] sizes = [72, 64, 56, 48];
        foreach (var size in sizes[..^1])
        {
            var lines = Wrap(title, Bold, size, width, maxLines: TitleMaxLines + 1);
            var descent = lines.Any(HasArabic) ? 0.55f : 0.3f;
            if (lines.Count <= TitleMaxLines && size + (lines.Count - 1) * size * LineSpacing(lines) + size * descent <= height)
            {
                return (size, lines);
            }
        }

        return (sizes[^1], Wrap(title, Bold, sizes[^1], width, TitleMaxLines));
    }

    /// <summary>From one baseline to the next, in font sizes: Naskh's tall letters and marks need more room than Noto Sans.</summary>
    private static float LineSpacing(IReadOnlyList<string> lines) => lines.Any(HasArabic) ? 1.45f : 1.22f;

    /// <summary>
    /// The text in lines no wider than <paramref name="width"/>, broken between words (inside a word only when it is
    /// wider than a line); after <paramref name="maxLines"/> the last line ends in an ellipsis.
    /// </summary>
    private static List<string> Wrap(string text, Faces faces, float size, float width, int maxLines)
    {
        var words = new Queue<string>(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        var lines = new List<string>();
        while (words.Count > 0)
        {
            if (lines.Count == maxLines - 1)
            {
                var rest = string.Join(' ', words);
                lines.Add(Truncate(rest, faces, size, width));
                break;
            }

            var line = words.Dequeue();
            if (Measure(line, faces, size) > width)
            {
                var (head, tail) = SplitWord(line, faces, size, width);
                lines.Add(head);
                words = new Queue<string>(words.Prepend(tail));
                continue;
            }

            while (words.Count > 0 && Measure(line + " " + words.Peek(), faces, size) <= width)
            {
                line += " " + words.Dequeue();
            }

            lines.Add(line);
        }

        return lines;
    }

    /// <summary>The longest start of a word that fits in a line, cut between whole characters (never inside a surrogate pair), and the rest.</summary>
    private static (string Head, string Tail) SplitWord(string word, Faces faces, float size, float width)
    {
        var elements = TextElements(word);
        var count = elements.Count - 1;
        while (count > 1 && Measure(string.Concat(elements.Take(count)), faces, size) > width)
        {
            count--;
        }

        return (string.Concat(elements.Take(count)), string.Concat(elements.Skip(count)));
    }

    /// <summary>The text as it fits in one line: whole if it does, otherwise cut (at a word if it can) and ended with an ellipsis.</summary>
    private static string Truncate(string text, Faces faces, float size, float width)
    {
        if (Measure(text, faces, size) <= width)
        {
            return text;
        }

        var elements = TextElements(text);
        for (var count = elements.Count - 1; count > 0; count--)
        {
            var head = string.Concat(elements.Take(count)).TrimEnd();
            var lastSpace = head.LastIndexOf(' ');
            var candidate = (lastSpace > head.Length / 2 ? head[..lastSpace] : head).TrimEnd(' ', ',', '،', ';', ':', '-') + Ellipsis;
            if (Measure(candidate, faces, size) <= width)
            {
                return candidate;
            }
        }

        return Ellipsis;
    }

    private static List<string> TextElements(string text)
    {
        var elements = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements;
    }

    /// <summary>A line aligned to the side its writing starts from: the right for a title in Arabic or Hebrew.</summary>
    private static void DrawLine(SKCanvas canvas, string line, Faces faces, float size, SKColor colour, float baseline, float width, bool? rightToLeft = null)
    {
        var fromRight = rightToLeft ?? StartsRightToLeft(line);
        var x = fromRight ? Margin + width - Measure(line, faces, size) : Margin;
        DrawRuns(canvas, line, faces, size, colour, x, baseline);
    }

    /// <summary>Draws the line's runs from <paramref name="x"/> and says how wide they were.</summary>
    private static float DrawRuns(SKCanvas canvas, string line, Faces faces, float size, SKColor colour, float x, float baseline)
    {
        using var paint = new SKPaint { Color = colour, IsAntialias = true };
        var runs = Runs(line, faces);
        if (StartsRightToLeft(line))
        {
            // Right to left, the first run in reading order is the rightmost.
            runs.Reverse();
        }

        var start = x;
        foreach (var run in runs)
        {
            using var font = Font(run.Face, size);
            var shaped = Shape(run, font);
            using (var blob = Blob(shaped, font))
            {
                if (blob is not null)
                {
                    canvas.DrawText(blob, x, baseline, paint);
                }
            }

            x += shaped.Width;
        }

        return x - start;
    }

    private static float Measure(string text, Faces faces, float size)
    {
        var width = 0f;
        foreach (var run in Runs(text, faces))
        {
            using var font = Font(run.Face, size);
            width += Shape(run, font).Width;
        }

        return width;
    }

    /// <summary>
    /// The run's glyphs and their places, in the run's own direction: HarfBuzz would guess right to left for Arabic-Indic
    /// digits, and numbers read left to right in every script.
    /// </summary>
    private static SKShaper.Result Shape(Run run, SKFont font)
    {
        using var shaper = new SKShaper(run.Face);
        using var buffer = new HarfBuzzSharp.Buffer();
        buffer.AddUtf16(run.Text);
        buffer.GuessSegmentProperties();
        buffer.Direction = run.RightToLeft ? HarfBuzzSharp.Direction.RightToLeft : HarfBuzzSharp.Direction.LeftToRight;
        return shaper.Shape(buffer, font);
    }

    private static SKTextBlob? Blob(SKShaper.Result shaped, SKFont font)
    {
        if (shaped.Codepoints.Length == 0)
        {
            return null;
        }

        using var builder = new SKTextBlobBuilder();
        var run = builder.AllocatePositionedRun(font, shaped.Codepoints.Length);
        var glyphs = run.Glyphs;
        var positions = run.Positions;
        for (var i = 0; i < shaped.Codepoints.Length; i++)
        {
            glyphs[i] = (ushort)shaped.Codepoints[i];
            positions[i] = shaped.Points[i];
        }

        return builder.Build();
    }

    private static SKFont Font(SKTypeface face, float size) => new(face, size) { Subpixel = true, Edging = SKFontEdging.SubpixelAntialias };

    /// <summary>
    /// The text cut where its script changes, each piece with the font that draws it and its direction. Spaces and
    /// punctuation go with the letters before them, except after a left-to-right piece (a name, a number) inside a
    /// right-to-left line: they read right to left there, as the line does.
    /// </summary>
    private static List<Run> Runs(string text, Faces faces)
    {
        var rightToLeftLine = StartsRightToLeft(text);
        var lineScript = rightToLeftLine ? text.EnumerateRunes().Select(ScriptOf).OfType<Script>().First(IsRightToLeft) : Script.Latin;
        var runs = new List<Run>();
        var current = new StringBuilder();
        Script? currentScript = null;
        var trailing = new StringBuilder();

        void Close()
        {
            if (current.Length > 0)
            {
                var script = currentScript ?? lineScript;
                AddCovered(current.ToString(), faces.For(script), IsRightToLeft(script));
            }

            if (trailing.Length > 0)
            {
                AddCovered(trailing.ToString(), faces.For(lineScript), rightToLeftLine);
            }

            current.Clear();
            trailing.Clear();
        }

        // Noto Sans Hebrew and Naskh Arabic lack some punctuation, brackets among them: Noto Sans draws it.
        void AddCovered(string piece, SKTypeface face, bool rightToLeft)
        {
            var covered = new List<Run>();
            using var probe = new SKFont(face);
            foreach (var rune in piece.EnumerateRunes())
            {
                var drawnWith = probe.ContainsGlyph(rune.Value) ? face : faces.Latin;
                if (covered.Count > 0 && covered[^1].Face == drawnWith)
                {
                    covered[^1] = covered[^1] with { Text = covered[^1].Text + rune };
                }
                else
                {
                    covered.Add(new Run(rune.ToString(), drawnWith, rightToLeft));
                }
            }

            // The line's runs are laid out in its own direction: the pieces of a run written the other way go in reverse.
            if (rightToLeft != rightToLeftLine)
            {
                covered.Reverse();
            }

            runs.AddRange(covered);
        }

        foreach (var rune in text.EnumerateRunes())
        {
            var script = ScriptOf(rune);
            if (script is null)
            {
                // Spaces after a piece written against the line's direction (a name or a number in an Arabic line, an
                // Arabic name in an English one) read the line's way, unless more of that piece follows.
                (currentScript is { } before && IsRightToLeft(before) != rightToLeftLine ? trailing : current).Append(rune.ToString());
                continue;
            }

            if (currentScript is { } previous && !SameRun(previous, script.Value))
            {
                Close();
            }

            // Between two pieces of the same run ("ECCV 2026"), spaces read as they do.
            current.Append(trailing);
            trailing.Clear();
            currentScript = script;
            current.Append(rune.ToString());
        }

        Close();
        return runs;
    }

    private static bool IsRightToLeft(Script script) => script is Script.Arabic or Script.Hebrew;

    /// <summary>Latin letters and digits share a font and a direction, and so a run; other scripts each have their own.</summary>
    private static bool SameRun(Script one, Script other) => one == other || (one is Script.Latin or Script.Digits && other is Script.Latin or Script.Digits);

    private static bool HasArabic(string text) => text.EnumerateRunes().Any(rune => ScriptOf(rune) == Script.Arabic);

    /// <summary>Whether the first letter of the text is of a right-to-left script.</summary>
    private static bool StartsRightToLeft(string text) =>
        text.EnumerateRunes().Select(ScriptOf).FirstOrDefault(script => script is Script.Latin or Script.Arabic or Script.Hebrew) is Script.Arabic or Script.Hebrew;

    /// <summary>The script a character sets for its run; null for spaces and punctuation, which take their neighbours'.</summary>
    private static Script? ScriptOf(Rune rune) => rune.Value switch
    {
        _ when Rune.IsDigit(rune) && rune.Value < 0x0590 => Script.Digits,
        >= 0x0590 and <= 0x05FF or >= 0xFB1D and <= 0xFB4F => Script.Hebrew,
        >= 0x0660 and <= 0x0669 or >= 0x06F0 and <= 0x06F9 => Script.ArabicDigits,
        >= 0x0600 and <= 0x06FF or >= 0x0750 and <= 0x077F or >= 0x08A0 and <= 0x08FF or >= 0xFB50 and <= 0xFDFF or >= 0xFE70 and <= 0xFEFF => Script.Arabic,
        _ when Rune.IsLetter(rune) => Script.Latin,
        _ => null,
    };

    private static SKTypeface Load(string name)
    {
        using var stream = typeof(PreviewImage).Assembly.GetManifestResourceStream($"Countersign.Fonts.{name}.ttf")
            ?? throw new InvalidOperationException($"The font {name} is not embedded: the build copies it from the npm packages @embedpdf/fonts-*.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException($"The font {name} could not be read.");
    }

    private enum Script
    {
        Latin,
        Digits,
        ArabicDigits,
        Arabic,
        Hebrew,
    }

    private sealed record Run(string Text, SKTypeface Face, bool RightToLeft);

    private sealed record TextLine(string Text, Faces Faces, float Size, SKColor Colour);

    /// <summary>One weight of the fonts, by script; digits are drawn in Noto Sans, left to right, whatever the script around them.</summary>
    private sealed record Faces(SKTypeface Latin, SKTypeface Arabic, SKTypeface Hebrew)
    {
        public SKTypeface For(Script script) => script switch
        {
            Script.Arabic or Script.ArabicDigits => Arabic,
            Script.Hebrew => Hebrew,
            _ => Latin,
        };
    }
}

/// <summary>
/// What a campaign's share image says, already in its language: <paramref name="Count"/> is the figure and
/// <paramref name="CountNoun"/> the word after it; <paramref name="Goal"/> ("goal 5,000") and <paramref name="Progress"/>
/// (0 to 1) when the campaign has a goal; <paramref name="Hosts"/> ("Hosted by: …") when it has hosts.
/// </summary>
public sealed record CampaignCard(string SiteName, string Title, string Count, string CountNoun, string? Goal, float? Progress, string? Hosts);
