using CsvHelper;

namespace Countersign.Hosting;

/// <summary>The CSV writer of every list staff download, made to be opened safely in a spreadsheet.</summary>
public static class SpreadsheetCsv
{
    /// <summary>
    /// A writer onto <paramref name="output"/>, left open. A name typed as "=HYPERLINK(...)" stays text when the list is
    /// opened in a spreadsheet; the byte order mark makes spreadsheets read the names as UTF-8.
    /// </summary>
    public static CsvWriter Create(Stream output) =>
        CsvWriter.Create(output, new CsvWriterOptions { Injection = CsvInjection.Escape, WriteByteOrderMark = true }, leaveOpen: true);
}
