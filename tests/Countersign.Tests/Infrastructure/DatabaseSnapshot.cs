using System.Globalization;
using System.Text;
using Countersign.Data;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// Every row of every table of the app's model, written out as text: two snapshots are equal only
/// if nothing at all was added, changed or deleted in between. For tests of requests that must change nothing.
/// </summary>
public static class DatabaseSnapshot
{
    public static async Task<IReadOnlyDictionary<string, string>> TakeAsync(TestSite site) => await site.QueryAsync(async db =>
    {
        var tables = db.Model.GetEntityTypes().Select(type => type.GetTableName()).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(tables);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync();
        try
        {
            var snapshot = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var table in tables)
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await command.ExecuteReaderAsync();
                var rows = new List<string>();
                while (await reader.ReadAsync())
                {
                    var row = new StringBuilder();
                    for (var column = 0; column < reader.FieldCount; column++)
                    {
                        row.Append(reader.GetName(column)).Append('=').Append(Text(reader.GetValue(column))).Append(';');
                    }

                    rows.Add(row.ToString());
                }

                snapshot[table] = string.Join('\n', rows.Order(StringComparer.Ordinal));
            }

            return snapshot;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    });

    /// <summary>The tables whose rows differ between two snapshots, for a readable failure.</summary>
    public static IReadOnlyList<string> Changed(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after) =>
        before.Keys.Union(after.Keys).Where(table => before.GetValueOrDefault(table) != after.GetValueOrDefault(table)).Order(StringComparer.Ordinal).ToList();

    private static string Text(object value) => value switch
    {
        DBNull => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
