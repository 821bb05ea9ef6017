using System.Globalization;

namespace Countersign.Campaigns;

/// <summary>
/// The drawing of a chart of signatures by day, for the figures page to write as SVG on the server: bars for each day's
/// signatures, a line for the running total, axes with round values. Coordinates are written for SVG (a dot before the
/// decimals whatever the reader's language); labels are left to the page, which writes them in the reader's language.
/// </summary>
public sealed class CampaignFiguresChart
{
    public const int Width = 640;
    public const int Height = 260;

    // Room for the values on the left and the days below; text stays inside the SVG's box.
    private const double Left = 64;
    private const double Right = 16;
    private const double Top = 14;
    private const double Bottom = 34;
    private const double PlotWidth = Width - Left - Right;
    private const double PlotHeight = Height - Top - Bottom;

    /// <summary>About how many steps the value axis has.</summary>
    private const int Steps = 4;

    private CampaignFiguresChart(IReadOnlyList<DayFigure> days, Func<DayFigure, int> value)
    {
        var largest = days.Count == 0 ? 0 : days.Max(value);
        var step = RoundStep(largest);
        var top = Math.Max(step, (int)Math.Ceiling((double)largest / step) * step);
        double Y(int count) => Top + PlotHeight - (PlotHeight * count / top);

        Ticks = Enumerable.Range(0, (top / step) + 1).Select(i => new Tick(i * step, Svg(Y(i * step)))).ToList();
        var slot = days.Count == 0 ? PlotWidth : PlotWidth / days.Count;

        // A gap between bars while they are wide enough to show one; a year of days touches.
        var gap = slot >= 4 ? slot * 0.2 : 0;
        Bars = days.Select((day, i) => new Bar(day, Svg(Left + (i * slot) + (gap / 2)), Svg(Y(value(day))), Svg(slot - gap), Svg(Y(0) - Y(value(day))))).ToList();
        // A single day has no second point to draw a line to: its value runs across the chart.
        Line = days.Count == 1
            ? $"M{Svg(Left)},{Svg(Y(value(days[0])))}H{Svg(Left + PlotWidth)}"
            : string.Concat(days.Select((day, i) => $"{(i == 0 ? 'M' : 'L')}{Svg(Left + ((i + 0.5) * slot))},{Svg(Y(value(day)))}"));

        // The first and the last day, and the middle one when there is room for it.
        int[] labelled = days.Count switch { 0 => [], 1 => [0], 2 => [0, 1], _ => [0, days.Count / 2, days.Count - 1] };
        DayLabels = labelled.Select(i => new DayLabel(days[i].Day, Svg(Left + ((i + 0.5) * slot)), Anchor(i, days.Count))).ToList();
    }

    /// <summary>Each day's new signatures as bars.</summary>
    public static CampaignFiguresChart PerDay(IReadOnlyList<DayFigure> days) => new(days, day => day.Count);

    /// <summary>The running total at the end of each day, as a line.</summary>
    public static CampaignFiguresChart Cumulative(IReadOnlyList<DayFigure> days) => new(days, day => day.Cumulative);

    public IReadOnlyList<Tick> Ticks { get; }

    public IReadOnlyList<Bar> Bars { get; }

    /// <summary>The path data of the line through each day's value, at the middle of its slot.</summary>
    public string Line { get; }

    public IReadOnlyList<DayLabel> DayLabels { get; }

    public static string ViewBox => $"0 0 {Width} {Height}";

    public static string AxisLeft => Svg(Left);

    public static string AxisRight => Svg(Width - Right);

    public static string Baseline => Svg(Top + PlotHeight);

    /// <summary>Where the value labels end, just left of the axis.</summary>
    public static string ValueLabelX => Svg(Left - 8);

    /// <summary>Where the day labels sit, below the axis.</summary>
    public static string DayLabelY => Svg(Height - 10);

    /// <summary>A day as its label on the axis: "3 December", or with its year when the chart spans more than one.</summary>
    public string DayLabelText(DateOnly day) =>
        DayLabels.Count > 0 && DayLabels[0].Day.Year != DayLabels[^1].Day.Year
            ? day.ToString("d", CultureInfo.CurrentCulture)
            : day.ToString("m", CultureInfo.CurrentCulture);

    /// <summary>1, 2 or 5 times a power of ten, so that about <see cref="Steps"/> steps reach the largest value.</summary>
    private static int RoundStep(int largest)
    {
        if (largest <= Steps)
        {
            return 1;
        }

        var rough = (double)largest / Steps;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        var multiple = (rough / magnitude) switch { <= 1 => 1, <= 2 => 2, <= 5 => 5, _ => 10 };
        return (int)(multiple * magnitude);
    }

    /// <summary>Labels at the ends are anchored inwards so that they stay inside the chart.</summary>
    private static string Anchor(int index, int count) =>
        count == 1 ? "middle" : index == 0 ? "start" : index == count - 1 ? "end" : "middle";

    private static string Svg(double coordinate) => Math.Round(coordinate, 1).ToString("0.#", CultureInfo.InvariantCulture);

    public sealed record Tick(int Value, string Y);

    public sealed record Bar(DayFigure Day, string X, string Y, string Width, string Height);

    /// <param name="Anchor">The SVG text-anchor that keeps the label inside the chart.</param>
    public sealed record DayLabel(DateOnly Day, string X, string Anchor);
}
