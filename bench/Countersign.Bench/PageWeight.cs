using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Countersign.Bench;

/// <summary>
/// bench/page-weight.sh's measurements: what a phone on a slow mobile connection downloads and waits for when it
/// first opens a page, and how long it waits, beside a baseline page of the same site loaded under the same conditions
/// in the same run. Debian's Chromium, driven by Playwright, is never downloaded.
/// </summary>
public static class PageWeight
{
    private const string ChromiumPath = "/usr/bin/chromium";

    // Lighthouse's mobile preset, as issue 14 names it: a 150 ms round trip, 1.6 Mbit/s down and 750 kbit/s up, and a
    // CPU four times slower than this machine's. Chromium applies them itself (DevTools throttling), so each request
    // pays them, rather than Lighthouse's estimate from an unthrottled load.
    private const int RoundTripMilliseconds = 150;
    private const int DownloadBytesPerSecond = 1_600_000 / 8;
    private const int UploadBytesPerSecond = 750_000 / 8;
    private const int CpuSlowdown = 4;

    // A phone in portrait, as wide as most sold today.
    private const int ViewportWidth = 390;
    private const int ViewportHeight = 844;

    /// <summary>The issue's budget for the campaign page: 100 KB compressed, leaving out its header image.</summary>
    public const long BudgetBytes = 100_000;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    private static readonly string[] Kinds = ["HTML", "CSS", "JS", "images", "fonts", "other", "headers"];

    private sealed record Target(string Name, string Path);

    /// <summary>One cold load of one page: bytes by kind (bodies as sent; "headers" are the responses' headers) and timings in ms.</summary>
    private sealed record Load(Dictionary<string, long> Bytes, int Requests, int Uncompressed, int Failed, double Fcp, double Lcp, double DomContentLoaded, double LoadEvent)
    {
        /// <summary>Each request of the load: kind, body bytes as sent, content encoding and address.</summary>
        public List<string> Lines { get; init; } = [];

        public long Total => Bytes.Values.Sum();
    }

    public static async Task<int> MeasureAsync(Arguments options)
    {
        var baseUrl = Http.LoopbackOnly(options.Get("base")).TrimEnd('/');
        var runs = options.GetInt("runs", 3);
        if (runs is < 1 or > 20)
        {
            throw new BenchException("--runs must be between 1 and 20");
        }

        var baseline = new Target("baseline: " + options.Get("baseline"), options.Get("baseline"));
        var pages = options.Get("pages").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(path => new Target(path, path))
            .ToList();
        var budgetPage = options.Get("budget-page");
        var strict = options.Find("strict") == "true";
        if (!File.Exists(ChromiumPath))
        {
            throw new BenchException($"{ChromiumPath} not found: install Debian's chromium (apt-get install -y chromium)");
        }

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,

            // Root needs --no-sandbox; the rest stop Chromium calling home, which would also add traffic to the figures.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });

        // The pages in turn, the baseline first, run after run: a slower moment of the machine (2 cores shared with
        // other work) then weighs on the baseline as on the pages, and the ratios stay fair.
        var targets = new List<Target> { baseline };
        targets.AddRange(pages);
        // One load of each page first, unmeasured and unthrottled: a server's first answers pay for compiling its code
        // and filling its caches, which a phone opening a site that has been running a while never waits for.
        foreach (var target in targets)
        {
            await using var context = await browser.NewContextAsync();
            var page = await context.NewPageAsync();
            await page.GotoAsync(baseUrl + target.Path, new PageGotoOptions { WaitUntil = WaitUntilState.NetworkIdle, Timeout = 60_000 });
        }

        var loads = targets.ToDictionary(target => target, _ => new List<Load>());
        for (var run = 0; run < runs; run++)
        {
            foreach (var target in targets)
            {
                loads[target].Add(await LoadOnceAsync(browser, baseUrl + target.Path));
            }
        }

        var medians = loads.ToDictionary(pair => pair.Key, pair => Median(pair.Value));
        Console.Write(Describe(browser.Version, runs, targets, medians, loads));
        if (options.Find("requests") == "true")
        {
            foreach (var target in targets)
            {
                Console.WriteLine();
                // The widget fetches its challenge once the page is idle, within or after the wait: show the fuller load.
                Console.WriteLine($"Requests of the load of {target.Path} with the most of them:");
                loads[target].MaxBy(load => load.Requests)!.Lines.ForEach(Console.WriteLine);
            }
        }

        var budgetTarget = targets.FirstOrDefault(target => target.Path == budgetPage)
            ?? throw new BenchException($"--budget-page {budgetPage} is not one of --pages");
        var budgeted = Budgeted(medians[budgetTarget]);
        var met = budgeted < BudgetBytes;
        Console.WriteLine();
        Console.WriteLine(string.Create(Invariant,
            $"Budget: {budgetPage} under {BudgetBytes:N0} bytes (100 KB) compressed, without the header image (images left out; the page has {medians[budgetTarget].Bytes["images"]:N0} bytes of them): {budgeted:N0} bytes: {(met ? "PASS" : "MISS")}"));
        return met || !strict ? 0 : 3;
    }

    /// <summary>What counts toward the budget: everything on the wire but images (the header image, today the only kind of image a page may have).</summary>
    private static long Budgeted(Load load) => load.Total - load.Bytes["images"];

    private static async Task<Load> LoadOnceAsync(IBrowser browser, string url)
    {
        // A fresh context is a fresh profile: empty cache, no cookies, new connections.
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = ViewportWidth, Height = ViewportHeight },
            DeviceScaleFactor = 3,
            IsMobile = true,
            HasTouch = true,
            Locale = "en-GB",
        });
        var page = await context.NewPageAsync();
        var devTools = await context.NewCDPSessionAsync(page);
        await devTools.SendAsync("Network.enable");
        await devTools.SendAsync("Network.emulateNetworkConditions", new Dictionary<string, object>
        {
            ["offline"] = false,
            ["latency"] = RoundTripMilliseconds,
            ["downloadThroughput"] = DownloadBytesPerSecond,
            ["uploadThroughput"] = UploadBytesPerSecond,
        });
        await devTools.SendAsync("Emulation.setCPUThrottlingRate", new Dictionary<string, object> { ["rate"] = CpuSlowdown });

        var finished = new List<IRequest>();
        var failed = 0;
        context.RequestFinished += (_, request) =>
        {
            lock (finished)
            {
                finished.Add(request);
            }
        };
        context.RequestFailed += (_, _) => Interlocked.Increment(ref failed);

        var response = await page.GotoAsync(url, new PageGotoOptions { WaitUntil = WaitUntilState.Load, Timeout = 60_000 });
        if (response is null || !response.Ok)
        {
            throw new BenchException($"{url} answered {response?.Status.ToString(Invariant) ?? "nothing"}");
        }

        // What the page fetches once loaded (the proof-of-work challenge, its worker) is part of its weight too.
        try
        {
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            // Still fetching after 15 s: count what arrived.
        }

        var timings = await page.EvaluateAsync<JsonElement>(TimingsScript);
        var bytes = Kinds.ToDictionary(kind => kind, _ => 0L);
        var uncompressed = 0;
        List<IRequest> requests;
        lock (finished)
        {
            requests = [.. finished];
        }

        var lines = new List<string>();
        foreach (var request in requests.Where(request => request.Url.StartsWith("http", StringComparison.Ordinal)))
        {
            var sizes = await request.SizesAsync();
            var kind = KindOf(request.ResourceType);
            bytes[kind] += sizes.ResponseBodySize;
            bytes["headers"] += sizes.ResponseHeadersSize;
            var encoding = await request.ResponseAsync() is { } answer ? await answer.HeaderValueAsync("content-encoding") ?? "identity" : "?";
            if (kind is "CSS" or "JS" && encoding is not ("br" or "gzip"))
            {
                uncompressed++;
            }

            lines.Add(string.Create(Invariant, $"  {kind,-6} {sizes.ResponseBodySize,8:N0}  {encoding,-8}  {new Uri(request.Url).PathAndQuery}"));
        }

        return new Load(bytes, requests.Count, uncompressed, failed,
            Milliseconds(timings, "fcp"), Milliseconds(timings, "lcp"), Milliseconds(timings, "domContentLoaded"), Milliseconds(timings, "load"))
        {
            Lines = lines,
        };
    }

    /// <summary>
    /// Paint and navigation timings from the page's own Performance API, in ms from the start of the navigation: first
    /// and largest contentful paint (the last candidate so far; nothing on these pages moves once loaded), the end of
    /// DOMContentLoaded and of the load event. Playwright evaluates it outside the page's Content-Security-Policy.
    /// </summary>
    private const string TimingsScript = """
        () => new Promise(resolve => {
          const navigation = performance.getEntriesByType("navigation")[0];
          const paint = performance.getEntriesByName("first-contentful-paint")[0];
          const answer = lcp => resolve({
            fcp: paint ? paint.startTime : -1,
            lcp,
            domContentLoaded: navigation.domContentLoadedEventEnd,
            load: navigation.loadEventEnd,
          });
          new PerformanceObserver(list => {
            const entries = list.getEntries();
            answer(entries[entries.length - 1].startTime);
          }).observe({ type: "largest-contentful-paint", buffered: true });
          setTimeout(() => answer(-1), 2000);
        })
        """;

    private static double Milliseconds(JsonElement timings, string name) => timings.GetProperty(name).GetDouble();

    private static string KindOf(string resourceType) => resourceType switch
    {
        "document" => "HTML",
        "stylesheet" => "CSS",
        "script" => "JS",
        "image" => "images",
        "font" => "fonts",
        _ => "other",
    };

    private static Load Median(List<Load> loads) => new(
        Kinds.ToDictionary(kind => kind, kind => (long)Median(loads.Select(load => (double)load.Bytes[kind]))),
        (int)Median(loads.Select(load => (double)load.Requests)),
        loads.Max(load => load.Uncompressed),
        loads.Sum(load => load.Failed),
        Median(loads.Select(load => load.Fcp)),
        Median(loads.Select(load => load.Lcp)),
        Median(loads.Select(load => load.DomContentLoaded)),
        Median(loads.Select(load => load.LoadEvent)));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Describe(string version, int runs, List<Target> targets, Dictionary<Target, Load> medians, Dictionary<Target, List<Load>> loads)
    {
        var text = new StringBuilder();
        var nameWidth = Math.Max(10, targets.Max(target => target.Name.Length));
        text.AppendLine("=== Countersign page weight and timings ===");
        text.AppendLine(Invariant, $"Chromium {version}, {ViewportWidth}x{ViewportHeight} at device scale 3 (mobile, touch), cold cache (a fresh browser profile per load)");
        text.AppendLine(Invariant, $"Throttled as Lighthouse's mobile preset, by Chromium itself: {RoundTripMilliseconds} ms round trip, 1.6 Mbit/s down, 750 kbit/s up, CPU {CpuSlowdown}x slower");
        text.AppendLine(Invariant, $"Median of {runs} load(s) of each page, the baseline loaded in turn with the pages, after one unmeasured load of each");
        text.AppendLine();
        text.AppendLine("Bytes on the wire per load: bodies as sent (CSS and JS compressed by the server; HTML uncompressed on");
        text.AppendLine("purpose, against BREACH, so its figure is its whole size), and the responses' headers apart");
        text.Append("page".PadRight(nameWidth));
        foreach (var kind in Kinds)
        {
            text.Append(kind.PadLeft(9));
        }

        text.AppendLine("    total  requests");
        foreach (var target in targets)
        {
            var load = medians[target];
            text.Append(target.Name.PadRight(nameWidth));
            foreach (var kind in Kinds)
            {
                text.Append(load.Bytes[kind].ToString("N0", Invariant).PadLeft(9));
            }

            text.Append(load.Total.ToString("N0", Invariant).PadLeft(9));
            text.AppendLine(load.Requests.ToString(Invariant).PadLeft(10));
        }

        text.AppendLine();
        text.AppendLine("Timings (ms from navigation start), and each as a multiple of the baseline's");
        text.Append("page".PadRight(nameWidth));
        text.AppendLine("      FCP      LCP  DOMContentLoaded     load   x FCP   x LCP   x DCL  x load");
        var baseline = medians[targets[0]];
        foreach (var target in targets)
        {
            var load = medians[target];
            text.Append(target.Name.PadRight(nameWidth));
            text.Append(Ms(load.Fcp).PadLeft(9)).Append(Ms(load.Lcp).PadLeft(9)).Append(Ms(load.DomContentLoaded).PadLeft(18)).Append(Ms(load.LoadEvent).PadLeft(9));
            text.Append(Ratio(load.Fcp, baseline.Fcp)).Append(Ratio(load.Lcp, baseline.Lcp)).Append(Ratio(load.DomContentLoaded, baseline.DomContentLoaded));
            text.AppendLine(Ratio(load.LoadEvent, baseline.LoadEvent));
        }

        text.AppendLine();
        foreach (var target in targets)
        {
            var load = medians[target];
            var spread = string.Join(" / ", loads[target].Select(one => $"{Ms(one.Lcp)}"));
            text.AppendLine(Invariant, $"{target.Name}: LCP of each load {spread} ms; CSS/JS responses sent uncompressed: {load.Uncompressed}; failed requests: {load.Failed}");
        }

        return text.ToString();
    }

    private static string Ms(double milliseconds) => milliseconds < 0 ? "-" : milliseconds.ToString("0", Invariant);

    private static string Ratio(double value, double baseline) =>
        (value < 0 || baseline <= 0 ? "-" : (value / baseline).ToString("0.00", Invariant)).PadLeft(8);
}
