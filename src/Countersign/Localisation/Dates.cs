using System.Globalization;

namespace Countersign.Localisation;

/// <summary>
/// Dates as a reader reads them, in the formats of their culture (British for English: "2 December
/// 2026", "02/12/2026 17:01"; see <see cref="Hosting.CountersignApp.FormatsOf"/>), and as machines
/// read them, in ISO 8601: a time element's datetime attribute, files, the command line.
/// </summary>
public static class Dates
{
    /// <summary>A day written out: "Wednesday, 2 December 2026", "mercredi 2 décembre 2026".</summary>
    public static string Day(DateOnly day) => day.ToString("D", CultureInfo.CurrentCulture);

    /// <inheritdoc cref="Day(DateOnly)"/>
    public static string Day(DateTime day) => day.ToString("D", CultureInfo.CurrentCulture);

    /// <summary>A moment as the reader's culture writes a short date and time: "02/12/2026 17:01". Staff pages say it is UTC.</summary>
    public static string DayAndTime(DateTime moment) => moment.ToString("g", CultureInfo.CurrentCulture);

    /// <summary>A moment to the second, for the audit log: "02/12/2026 17:01:05".</summary>
    public static string DayAndTimeToTheSecond(DateTime moment) => moment.ToString("G", CultureInfo.CurrentCulture);

    /// <summary>A day in ISO 8601: "2026-12-02".</summary>
    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <inheritdoc cref="Iso(DateOnly)"/>
    public static string Iso(DateTime day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A UTC moment in ISO 8601 to the minute, where no reader's culture applies: "2026-12-02 17:01 UTC".</summary>
    public static string IsoUtc(DateTime moment) => moment.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
}
