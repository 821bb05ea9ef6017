using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Countersign.Bench;

/// <summary>The few plain HTTP calls the bench makes outside wrk, always to the loopback server it started.</summary>
public static partial class Http
{
    public const string AntiforgeryCookie = Countersign.Hosting.CountersignApp.AntiforgeryCookie;

    /// <summary>Waits until the server answers at all (any status below 500), or fails when its process has died.</summary>
    public static async Task<int> WaitAsync(Arguments options)
    {
        var url = LoopbackOnly(options.Get("url"));
        var pid = options.Find("pid") is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : (int?)null;
        var deadline = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(options.GetInt("seconds", 90));
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        while (deadline.Elapsed < limit)
        {
            if (pid is { } id && !Directory.Exists($"/proc/{id}"))
            {
                throw new BenchException($"the server (pid {id}) exited before answering {url}");
            }

            try
            {
                using var response = await client.GetAsync(url);
                if ((int)response.StatusCode < 500)
                {
                    return 0;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Listening but not answering yet.
            }

            await Task.Delay(250);
        }

        throw new BenchException($"{url} did not answer within {limit.TotalSeconds:0} s");
    }

    /// <summary>How old the form stamp is before the load starts: past the server's default minimum time to fill.</summary>
    private static readonly TimeSpan StampAge = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Fetches the campaign page COUNT times, each without cookies, and keeps each antiforgery cookie
    /// with its form token (one line per pair: cookie header, tab, url-encoded token). Also writes the
    /// host consent fields the form requires, url-encoded, for wrk's script to append to every body.
    /// </summary>
    public static async Task<int> FetchPoolAsync(Arguments options)
    {
        var baseUrl = LoopbackOnly(options.Get("base")).TrimEnd('/');
        var slug = options.Get("slug");
        var count = options.GetInt("count");
        using var handler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };

        var pool = new StringBuilder();
        var hostIds = new SortedSet<int>();
        string? stamp = null;
        var firstFetch = DateTime.UtcNow;
        for (var i = 0; i < count; i++)
        {
            using var response = await client.SendAsync(FromSomeone(new Uri($"{baseUrl}/c/{slug}")));
            var html = await response.Content.ReadAsStringAsync();
            if (!response.IsSuccessStatusCode)
            {
                throw new BenchException($"GET /c/{slug} answered {(int)response.StatusCode}");
            }

            var cookie = response.Headers.TryGetValues("Set-Cookie", out var cookies)
                ? cookies.Select(c => c.Split(';')[0]).FirstOrDefault(c => c.StartsWith(AntiforgeryCookie + "=", StringComparison.Ordinal))
                : null;
            var token = TokenInput().Match(html) is { Success: true } input && TokenValue().Match(input.Value) is { Success: true } value
                ? System.Net.WebUtility.HtmlDecode(value.Groups[1].Value)
                : null;
            if (cookie is null || token is null)
            {
                throw new BenchException($"GET /c/{slug} gave no antiforgery cookie and form token: is the campaign open?");
            }

            pool.Append(cookie).Append('\t').Append(Uri.EscapeDataString(token)).Append('\n');
            stamp ??= StampInput().Match(html) is { Success: true } stampInput && TokenValue().Match(stampInput.Value) is { Success: true } stampValue
                ? System.Net.WebUtility.HtmlDecode(stampValue.Groups[1].Value)
                : null;
            foreach (Match host in HostField().Matches(html))
            {
                hostIds.Add(int.Parse(host.Groups[1].Value, CultureInfo.InvariantCulture));
            }
        }

        await File.WriteAllTextAsync(options.Get("out"), pool.ToString());
        var fields = hostIds.Select(id => Uri.EscapeDataString($"Input.HostUpdates[{id}]") + "=yes").ToList();
        if (stamp is not null)
        {
            // The form's bot check: every request carries the page's stamp of when the form was
            // handed out, and the load starts only once that is longer ago than a person needs.
            fields.Add("Input.Started=" + Uri.EscapeDataString(stamp));
            var wait = firstFetch + StampAge - DateTime.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        await File.WriteAllTextAsync(options.Get("hosts-out"), string.Join('&', fields) + "\n");
        Console.WriteLine($"{count} antiforgery token+cookie pairs; the form has {hostIds.Count} host consent question(s)"
            + (stamp is null ? "" : $"; every request carries the form's time stamp, {StampAge.TotalSeconds:0} s old when the load starts (the server's minimum time to fill is 3 s by default)"));
        return 0;
    }

    /// <summary>
    /// Fetches COUNT proof-of-work challenges from the signing form's endpoint and solves each the
    /// way the browser widget does, writing one url-encoded form field per line: every signing
    /// request carries its own solution, since the server accepts each once.
    /// </summary>
    public static async Task<int> FetchProofsAsync(Arguments options)
    {
        var baseUrl = LoopbackOnly(options.Get("base")).TrimEnd('/');
        var challengeUrl = new Uri($"{baseUrl}/c/{options.Get("slug")}/altcha");
        var count = options.GetInt("count");
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var proofs = new string[count];
        var started = DateTime.UtcNow;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, cancellationToken) =>
        {
            using var response = await client.SendAsync(FromSomeone(challengeUrl), cancellationToken);
            response.EnsureSuccessStatusCode();
            var challenge = await response.Content.ReadAsStringAsync(cancellationToken);
            proofs[i] = "altcha=" + Uri.EscapeDataString(Countersign.Signing.ProofOfWork.SolveLikeTheWidget(challenge));
        });

        await File.WriteAllLinesAsync(options.Get("out"), proofs);
        Console.WriteLine($"{count} proof-of-work challenges fetched and solved in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        return 0;
    }

    /// <summary>
    /// A GET as a reverse proxy on loopback passes it on, naming a random client address: the load
    /// comes from many people, as in a viral moment, not from one address the flood limit would stop.
    /// </summary>
    private static HttpRequestMessage FromSomeone(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("X-Forwarded-For", $"{Random.Shared.Next(1, 224)}.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}");
        return request;
    }

    /// <summary>The bench sends traffic to nothing but the loopback address.</summary>
    internal static string LoopbackOnly(string url)
    {
        var uri = new Uri(url);
        if (!uri.IsLoopback)
        {
            throw new BenchException($"{url} is not a loopback address; the bench only talks to servers it started");
        }

        return url;
    }

    [GeneratedRegex("<input[^>]*name=\"__RequestVerificationToken\"[^>]*>")]
    private static partial Regex TokenInput();

    [GeneratedRegex("<input[^>]*name=\"Input.Started\"[^>]*>")]
    private static partial Regex StampInput();

    [GeneratedRegex("value=\"([^\"]+)\"")]
    private static partial Regex TokenValue();

    [GeneratedRegex(@"name=""Input\.HostUpdates\[(\d+)\]""")]
    private static partial Regex HostField();
}
