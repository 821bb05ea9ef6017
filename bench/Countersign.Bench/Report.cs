using System.Globalization;
using System.Text;

namespace Countersign.Bench;

/// <summary>
/// The summary run.sh prints at the end: the figures of each phase, the targets of bench/README.md
/// met or missed, and the correctness checks. Exit code 1 when a check failed (the figures of a run
/// that lost or doubled data mean nothing); with --strict, 3 when a target was missed.
/// </summary>
public static class Report
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static int Print(Arguments options)
    {
        var r = KeyValues.Read(options.Get("results"));
        var text = new StringBuilder();
        var providers = new[] { ("sqlite", "SQLite"), ("postgres", "PostgreSQL") }.Where(p => r.ContainsKey($"{p.Item1}.sign.requests")).ToList();

        text.AppendLine("=== Countersign benchmark ===");
        text.AppendLine($"Date:     {r.GetValueOrDefault("meta.date", "?")}");
        text.AppendLine($"Machine:  {r.GetValueOrDefault("meta.nproc", "?")} cores, {r.GetValueOrDefault("meta.cpu", "?")}, {r.GetValueOrDefault("meta.memory", "?")} RAM; "
            + "wrk runs on the same cores as the server");
        text.AppendLine($"Software: {r.GetValueOrDefault("meta.os", "?")}, .NET {r.GetValueOrDefault("meta.dotnet", "?")}, {r.GetValueOrDefault("meta.wrk", "wrk")}, {r.GetValueOrDefault("meta.postgres", "no PostgreSQL")}");
        text.AppendLine($"Command:  {r.GetValueOrDefault("meta.command", "?")}");
        if (r.TryGetValue("meta.relaxed", out var relaxed))
        {
            text.AppendLine($"Relaxed for the bench: {relaxed}");
        }

        text.AppendLine($"Load:     {r.GetValueOrDefault("meta.duration", "?")} s per phase, {r.GetValueOrDefault("meta.connections", "?")} connections, "
            + $"{r.GetValueOrDefault("meta.threads", "?")} wrk threads; pages: {r.GetValueOrDefault("meta.page_connections", "?")} connections for {r.GetValueOrDefault("meta.page_duration", "?")} s");
        text.AppendLine();

        var bare = Double(r, "bare.sign.rate");
        text.AppendLine(Row("", providers.Select(p => p.Item2).ToArray()));
        text.AppendLine(Row("Signatures/s", providers.Select(p => Number(r, $"{p.Item1}.sign.okrate")).ToArray()));
        text.AppendLine(Row("  ratio to bare Kestrel", providers.Select(p => Ratio(Double(r, $"{p.Item1}.sign.okrate"), bare)).ToArray()));
        text.AppendLine(Row("  latency p50 / p99 (ms)", providers.Select(p => Latency(r, $"{p.Item1}.sign")).ToArray()));
        text.AppendLine(Row("  non-2xx/3xx (503 apart)", providers.Select(p => Failures(r, $"{p.Item1}.sign")).ToArray()));
        text.AppendLine(Row("  503 back-pressure", providers.Select(p => Number(r, $"{p.Item1}.sign.s503")).ToArray()));
        text.AppendLine(Row("  emails sent meanwhile", providers.Select(p => Number(r, $"{p.Item1}.emails_sent_during_load")).ToArray()));
        text.AppendLine(Row("  CPU app/db/wrk/other/idle", providers.Select(p => Cpu(r, $"{p.Item1}.sign")).ToArray()));
        text.AppendLine(Row("Confirmations/s", providers.Select(p => Number(r, $"{p.Item1}.confirm.confirmrate")).ToArray()));
        text.AppendLine(Row("  latency p50 / p99 (ms)", providers.Select(p => Latency(r, $"{p.Item1}.confirm")).ToArray()));
        text.AppendLine(Row("  non-2xx/3xx (503 apart)", providers.Select(p => Failures(r, $"{p.Item1}.confirm")).ToArray()));
        text.AppendLine(Row("  503 back-pressure", providers.Select(p => Number(r, $"{p.Item1}.confirm.s503")).ToArray()));
        text.AppendLine(Row("  links used up early", providers.Select(p => Exhausted(r, $"{p.Item1}.confirm")).ToArray()));
        text.AppendLine(Row("  CPU app/db/wrk/other/idle", providers.Select(p => Cpu(r, $"{p.Item1}.confirm")).ToArray()));
        text.AppendLine(Row("Campaign page p50 (ms)", providers.Select(p => Page(r, $"{p.Item1}.page")).ToArray()));
        text.AppendLine(Row("Campaign JSON p50 (ms)", providers.Select(p => Page(r, $"{p.Item1}.json")).ToArray()));
        text.AppendLine(Row("Campaign pulse p50 (ms)", providers.Select(p => Page(r, $"{p.Item1}.pulse")).ToArray()));
        text.AppendLine(Row("  page with 1M (ms)", providers.Select(p => Page(r, $"{p.Item1}.page1m")).ToArray()));
        text.AppendLine(Row("  JSON with 1M (ms)", providers.Select(p => Page(r, $"{p.Item1}.json1m")).ToArray()));
        text.AppendLine(Row("  pulse with 1M (ms)", providers.Select(p => Page(r, $"{p.Item1}.pulse1m")).ToArray()));
        text.AppendLine(Row("Server peak RSS (MB)", providers.Select(p => Number(r, $"{p.Item1}.rss_mb")).ToArray()));
        text.AppendLine();
        text.AppendLine($"Bare Kestrel ceiling: {Number(r, "bare.sign.rate")} req/s, p50 / p99 {Latency(r, "bare.sign")} ms, "
            + $"non-2xx {Failures(r, "bare.sign")}, peak RSS {Number(r, "bare.rss_mb")} MB, CPU app/db/wrk/other/idle {Cpu(r, "bare.sign")} %");
        foreach (var (key, name) in providers)
        {
            if (r.TryGetValue($"{key}.million", out var million))
            {
                text.AppendLine($"1M signatures ({name}): {million}");
            }
        }

        foreach (var (key, name) in providers)
        {
            if (Double(r, $"{key}.emails_sent_during_load") is > 0)
            {
                text.AppendLine($"Note ({name}): the email worker sent {Number(r, $"{key}.emails_sent_during_load")} emails (as .eml files) during the signing load, "
                    + "competing with signing for the CPU: this build ignores Email:SendingPaused.");
            }

            if (Double(r, $"{key}.sign.cpu_other_pct") is > 5 || Double(r, $"{key}.confirm.cpu_other_pct") is > 5)
            {
                text.AppendLine($"Note ({name}): other processes used {Number(r, $"{key}.sign.cpu_other_pct")} % (signing) and "
                    + $"{Number(r, $"{key}.confirm.cpu_other_pct")} % (confirming) of the machine's CPU: the figures are lower than on an idle machine.");
            }
        }

        foreach (var note in r.Where(pair => pair.Key.StartsWith("note.", StringComparison.Ordinal)).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"Note: {note.Value}");
        }

        text.AppendLine();
        text.AppendLine("Targets (bench/README.md):");
        var missed = 0;
        void Target(string name, double? value, Func<double, bool> met, string shown)
        {
            var verdict = value is null ? "NOT MEASURED" : met(value.Value) ? "MET" : "MISSED";
            if (verdict == "MISSED")
            {
                missed++;
            }

            text.AppendLine($"  {verdict,-12} {name}: {shown}");
        }

        var sqliteRate = Double(r, "sqlite.sign.okrate");
        Target("SQLite signing >= 10,000/s", sqliteRate, v => v >= 10_000, Number(r, "sqlite.sign.okrate") + "/s");
        var ratio = sqliteRate is { } rate && bare is > 0 ? rate / bare.Value : (double?)null;
        Target("SQLite signing >= 0.25x bare Kestrel", ratio, v => v >= 0.25, Ratio(sqliteRate, bare));
        Target("SQLite signing p99 <= 50 ms at 64 connections", Double(r, "sqlite.sign.p99_ms"), v => v <= 50, Number(r, "sqlite.sign.p99_ms") + " ms");
        foreach (var (key, name) in providers)
        {
            Target($"{name}: 0 non-2xx/3xx except deliberate 503", FailureCount(r, key), v => v == 0, $"signing {Failures(r, $"{key}.sign")}, confirming {Failures(r, $"{key}.confirm")}");
        }

        foreach (var (key, name) in providers)
        {
            Target($"{name}: server peak RSS <= 300 MB", Double(r, $"{key}.rss_mb"), v => v <= 300, Number(r, $"{key}.rss_mb") + " MB");
        }

        Target("PostgreSQL signing >= 5,000/s", Double(r, "postgres.sign.okrate"), v => v >= 5_000, Number(r, "postgres.sign.okrate") + "/s");
        Target("Campaign page median <= 5 ms with 1M signatures", Double(r, "sqlite.page1m.p50_ms"), v => v <= 5, Number(r, "sqlite.page1m.p50_ms") + " ms");
        Target("Campaign JSON median <= 5 ms with 1M signatures", Double(r, "sqlite.json1m.p50_ms"), v => v <= 5, Number(r, "sqlite.json1m.p50_ms") + " ms");

        text.AppendLine();
        text.AppendLine("Correctness checks:");
        var checks = r.Where(pair => pair.Key.Contains(".check.", StringComparison.Ordinal)).ToList();
        var failed = 0;
        foreach (var (key, value) in checks)
        {
            text.AppendLine($"  {value.Split(' ')[0],-4} {key}: {value[(value.IndexOf(' ', StringComparison.Ordinal) + 1)..]}");
            if (!value.StartsWith("PASS", StringComparison.Ordinal))
            {
                failed++;
            }
        }

        if (checks.Count == 0)
        {
            text.AppendLine("  none ran");
            failed++;
        }

        text.AppendLine();
        text.AppendLine(FormattableString.Invariant($"{checks.Count - failed} checks passed, {failed} failed; {missed} target(s) missed"));
        Console.Write(text.ToString());
        return failed > 0 ? 1 : missed > 0 && options.Find("strict") == "true" ? 3 : 0;
    }

    private static string Row(string label, string[] cells) =>
        $"{label,-28}" + string.Concat(cells.Select(c => $"{c,20}"));

    private static string Cpu(IReadOnlyDictionary<string, string> r, string phase) =>
        Double(r, $"{phase}.cpu_server_pct") is null ? "-"
            : $"{Number(r, $"{phase}.cpu_server_pct")}/{Number(r, $"{phase}.cpu_db_pct")}/{Number(r, $"{phase}.cpu_wrk_pct")}/{Number(r, $"{phase}.cpu_other_pct")}/{Number(r, $"{phase}.cpu_idle_pct")}";

    private static double? Double(IReadOnlyDictionary<string, string> r, string key) => KeyValues.Number(r, key);

    private static string Number(IReadOnlyDictionary<string, string> r, string key) =>
        Double(r, key) is { } value ? value.ToString(value >= 100 || value == Math.Floor(value) ? "#,0" : "#,0.0#", Invariant) : "-";

    private static string Ratio(double? value, double? bare) =>
        value is { } v && bare is > 0 ? (v / bare.Value).ToString("0.000", Invariant) + "x" : "-";

    private static string Latency(IReadOnlyDictionary<string, string> r, string phase) =>
        Double(r, $"{phase}.p50_ms") is null ? "-" : $"{Number(r, $"{phase}.p50_ms")} / {Number(r, $"{phase}.p99_ms")}";

    private static double? FailureCount(IReadOnlyDictionary<string, string> r, string provider)
    {
        double? total = null;
        foreach (var phase in new[] { "sign", "confirm" })
        {
            if (PhaseFailures(r, $"{provider}.{phase}") is { } count)
            {
                total = (total ?? 0) + count;
            }
        }

        return total;
    }

    private static double? PhaseFailures(IReadOnlyDictionary<string, string> r, string phase) =>
        Double(r, $"{phase}.requests") is null ? null
            : (Double(r, $"{phase}.s4xx") ?? 0) + (Double(r, $"{phase}.s5xx") ?? 0) + (Double(r, $"{phase}.other") ?? 0)
                + (Double(r, $"{phase}.err_connect") ?? 0) + (Double(r, $"{phase}.err_read") ?? 0)
                + (Double(r, $"{phase}.err_write") ?? 0) + (Double(r, $"{phase}.err_timeout") ?? 0);

    private static string Failures(IReadOnlyDictionary<string, string> r, string phase) =>
        PhaseFailures(r, phase) is { } count ? count.ToString("#,0", Invariant) : "-";

    private static string Exhausted(IReadOnlyDictionary<string, string> r, string phase) =>
        Double(r, $"{phase}.requests") is null ? "-"
            : Double(r, $"{phase}.exhausted") is > 0 ? $"yes, {Number(r, $"{phase}.active_s")} s" : "no";

    private static string Page(IReadOnlyDictionary<string, string> r, string phase) =>
        Double(r, $"{phase}.p50_ms") is null ? "-"
            : Double(r, $"{phase}.signatures") is { } count ? $"{Number(r, $"{phase}.p50_ms")} ({Compact(count)})" : Number(r, $"{phase}.p50_ms");

    private static string Compact(double count) =>
        count >= 1_000_000 ? (count / 1_000_000).ToString("0.#", Invariant) + "M sig"
            : count >= 1_000 ? (count / 1_000).ToString("0.#", Invariant) + "k sig"
            : count.ToString("0", Invariant) + " sig";
}
