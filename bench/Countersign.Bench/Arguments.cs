using System.Globalization;

namespace Countersign.Bench;

/// <summary>A failure the helper explains in one sentence instead of a stack trace.</summary>
public sealed class BenchException(string message) : Exception(message);

/// <summary><c>--name value</c> pairs, nothing more.</summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public static Arguments Parse(ReadOnlySpan<string> args)
    {
        var parsed = new Arguments();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new BenchException($"expected --name value pairs, got '{args[i]}'");
            }

            parsed._values[args[i][2..]] = args[i + 1];
        }

        return parsed;
    }

    public string Get(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new BenchException($"--{name} is required");

    public string? Find(string name) => _values.GetValueOrDefault(name);

    public int GetInt(string name, int? fallback = null) =>
        _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture)
            : fallback ?? throw new BenchException($"--{name} is required");
}

/// <summary>
/// The key=value files that carry figures between run.sh, wrk's Lua script and this helper:
/// later lines win, blank lines and lines starting with # are ignored.
/// </summary>
public static class KeyValues
{
    public static Dictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return values;
        }

        foreach (var line in File.ReadLines(path))
        {
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && !line.StartsWith('#'))
            {
                values[line[..equals].Trim()] = line[(equals + 1)..].Trim();
            }
        }

        return values;
    }

    public static long Count(IReadOnlyDictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? (long)number
            : throw new BenchException($"'{key}' is missing from the wrk results");

    public static double? Number(IReadOnlyDictionary<string, string> values, string key) =>
        values.TryGetValue(key, out var value) && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    public static void Append(string path, string key, FormattableString value) =>
        File.AppendAllText(path, $"{key}={FormattableString.Invariant(value).ReplaceLineEndings(" ")}\n");
}
