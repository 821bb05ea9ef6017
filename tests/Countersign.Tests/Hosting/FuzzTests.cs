using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Countersign.Tests.Hosting;

/// <summary>
/// 100,000 malformed requests against every public form and JSON endpoint (signing, comments,
/// updates, unsubscribing, the challenges) and the addresses of staff pages: wrong types, huge
/// fields, control characters, invalid UTF-8, missing and repeated fields, bad tokens, wrong
/// methods, ids in any spelling and return addresses in any script. None may get a 5xx, and none
/// may store anything.
/// </summary>
public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int Requests = 100_000;

    private static readonly string[] FieldNames =
    [
        "Input.Name", "Input.Email", "Input.Country", "Input.Postcode", "Input.ShowName", "Input.HostUpdates[1]", "Input.HostUpdates[x]",
        "Input.HostUpdates[99999999999]", "Input.Website", "Input.Started", "altcha", "__RequestVerificationToken", "Email", "Password",
        "Input", "Input.HostUpdates", "Input.Name[0]", "", "handler",
        "Comment.Name", "Comment.Email", "Comment.Text", "Comment.Website", "Comment.Started", "Code", "ReturnUrl", "id", "Reason",
    ];

    [Fact]
    public async Task Should_answer_100000_malformed_requests_without_a_server_error_and_store_nothing()
    {
        // A real Kestrel server on loopback: it parses what arrives on the wire, as in production.
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["Logging:LogLevel:Default"] = "Warning", kestrel: true);
        var open = await site.AddCampaignAsync("open-campaign");
        await site.QueryAsync(db => db.Campaigns.Where(c => c.Id == open.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, Countersign.Comments.CommentMode.PostModerated)));
        var closed = await site.AddCampaignAsync("closed-campaign", CampaignState.Closed);
        using var browser = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(site.Address) };
        using var pageResponse = await browser.GetAsync($"/c/{open.Slug}");
        var page = await pageResponse.Content.ReadAsStringAsync();
        var validToken = FormFiller.AntiforgeryToken(page);

        // Half the requests carry the cookie that goes with that token, so they get past the
        // antiforgery check into binding and validation.
        var antiforgeryCookie = pageResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.Contains("antiforgery", StringComparison.Ordinal));
        var validStamp = FormFiller.FormStamp(page);
        var validProof = await ProofOfWorkSolver.FetchAndSolveAsync(browser, $"/c/{open.Slug}/altcha");
        var validCommentProof = await ProofOfWorkSolver.FetchAndSolveAsync(browser, $"/c/{open.Slug}/comments/altcha");

        var seed = Environment.GetEnvironmentVariable("COUNTERSIGN_FUZZ_SEED") is { } fixedSeed ? int.Parse(fixedSeed, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"fuzz seed {seed} (COUNTERSIGN_FUZZ_SEED={seed} repeats this run)");
        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var sent = 0;

        await Parallel.ForAsync(0, 4, async (worker, cancellationToken) =>
        {
            var random = new Random(seed + worker);
            using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(site.Address) };
            for (var i = worker; i < Requests; i += 4)
            {
                using var request = MalformedRequest(random, open, closed, validToken, validStamp, random.Next(2) == 0 ? validProof : validCommentProof);
                if (random.Next(2) == 0)
                {
                    request.Headers.Add("Cookie", antiforgeryCookie);
                }

                var description = $"{request.Method} {request.RequestUri}";
                try
                {
                    using var response = await client.SendAsync(request, cancellationToken);
                    statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if ((int)response.StatusCode >= 500)
                    {
                        failures.Add($"{description} answered {(int)response.StatusCode}");
                    }
                }
                catch (HttpRequestException) when (request.Content is not null)
                {
                    // Kestrel answers a request it cannot parse (a null in the path, say) with 400 and
                    // closes the connection, so a client still sending a body sees the connection drop.
                    // The same request without the body shows what the server answered.
                    using var again = new HttpRequestMessage(request.Method, request.RequestUri);
                    try
                    {
                        using var response = await client.SendAsync(again, cancellationToken);
                        statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                        if ((int)response.StatusCode is >= 500 or < 400)
                        {
                            failures.Add($"{description} dropped the connection, and without a body answered {(int)response.StatusCode}");
                        }
                    }
                    catch (HttpRequestException exception)
                    {
                        failures.Add($"{description} dropped the connection, even without a body: {exception.Message}");
                    }
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    failures.Add($"{description} threw {exception.GetType().Name}: {exception.Message}");
                }

                Interlocked.Increment(ref sent);
            }
        });

        output.WriteLine($"{sent} requests; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.Equal(Requests, sent);
        foreach (var line in site.Logs.Lines.Where(l => l.Contains("Exception", StringComparison.Ordinal)).Take(3))
        {
            output.WriteLine(line);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} failures (seed {seed}), e.g.:\n{string.Join("\n", failures.Take(10))}");
        Assert.Equal(0, await site.QueryAsync(db => db.Signatures.CountAsync()));
        Assert.Equal(0, await site.QueryAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Equal(0, await site.QueryAsync(db => db.Campaigns.SumAsync(c => c.SignatureCount)));
        Assert.Equal(0, await site.QueryAsync(db => db.Comments.CountAsync()));
    }

    private static HttpRequestMessage MalformedRequest(Random random, Campaign open, Campaign closed, string validToken, string validStamp, string validProof)
    {
        var slug = random.Next(6) switch
        {
            0 => closed.Slug,
            1 => RandomText(random, 40),
            2 => "%00%ff%c3%28",
            _ => open.Slug,
        };
        var (method, path) = random.Next(16) switch
        {
            0 => (HttpMethod.Get, $"/c/{slug}.json{RandomQuery(random)}"),
            1 => (HttpMethod.Get, $"/c/{slug}/{(random.Next(2) == 0 ? "" : "comments/")}altcha{RandomQuery(random)}"),
            2 => (RandomMethod(random), $"/{(random.Next(2) == 0 ? "confirm" : random.Next(2) == 0 ? "erase" : "comments/confirm")}/{Token(random)}"),
            3 => (RandomMethod(random), $"/staff/login{(random.Next(2) == 0 ? "" : "/code")}?returnUrl={Uri.EscapeDataString(ReturnUrl(random))}"),
            4 => (HttpMethod.Get, $"/language/{LanguageCode(random)}?returnUrl={Uri.EscapeDataString(ReturnUrl(random))}"),
            5 => (RandomMethod(random), $"/c/{slug}.json"),
            6 => (random.Next(5) == 0 ? RandomMethod(random) : HttpMethod.Post, $"/c/{slug}?handler={(random.Next(4) == 0 ? Uri.EscapeDataString(RandomText(random, 12)) : "Comment")}"),
            7 => (HttpMethod.Get, $"/c/{slug}/{(random.Next(2) == 0 ? "comments?page=" : "updates/")}{Id(random)}"),
            8 => (RandomMethod(random), $"/u/{Token(random)}"),
            9 => (RandomMethod(random), StaffPath(random)),
            _ => (random.Next(5) == 0 ? RandomMethod(random) : HttpMethod.Post, $"/c/{slug}{RandomQuery(random)}"),
        };

        var request = new HttpRequestMessage(method, path);
        if (method != HttpMethod.Get && method != HttpMethod.Head)
        {
            request.Content = RandomBody(random, validToken, validStamp, validProof);
        }

        return request;
    }

    /// <summary>A token of the right length or anything at all.</summary>
    private static string Token(Random random) =>
        random.Next(2) == 0 ? new string('A', random.Next(2) == 0 ? 43 : 70) : Uri.EscapeDataString(RandomText(random, 80));

    /// <summary>An id in any spelling: canonical, signed, padded, spaced, huge, in other scripts, or not a number.</summary>
    private static string Id(Random random) => random.Next(8) switch
    {
        0 => "1",
        1 => "+1",
        2 => "%201",
        3 => "0001",
        4 => "99999999999999999999999",
        5 => Uri.EscapeDataString("\uFF11\u0661"),
        6 => "-" + random.Next(),
        _ => Uri.EscapeDataString(RandomText(random, 12)),
    };

    private static readonly string[] StaffCampaignPages =
        ["supporters", "members", "timeline", "updates", "review", "comments", "signatories", "trends", "image", "partners"];

    /// <summary>A staff page about one record, with an id in any spelling (no one is signed in: the answers are redirects or 4xx).</summary>
    private static string StaffPath(Random random) => random.Next(6) switch
    {
        0 => $"/staff/campaigns/{Id(random)}",
        1 => $"/staff/campaigns/{Id(random)}/{StaffCampaignPages[random.Next(StaffCampaignPages.Length)]}{RandomQuery(random)}",
        2 => $"/staff/campaigns/{Id(random)}/updates/{Id(random)}",
        3 => $"/staff/users/{Id(random)}",
        4 => $"/staff/reviews/{Id(random)}",
        _ => $"/staff/audit?campaign={Id(random)}&before={Id(random)}",
    };

    /// <summary>Mostly a real language, so the return address is used.</summary>
    private static string LanguageCode(Random random) =>
        random.Next(4) == 0 ? Uri.EscapeDataString(RandomText(random, 8)) : random.Next(2) == 0 ? "fr" : "en";

    /// <summary>Mostly paths on the site, with any characters after the slash (non-ASCII ones answered 500).</summary>
    private static string ReturnUrl(Random random) => random.Next(4) switch
    {
        0 => RandomText(random, 30),
        1 => "/c/été/" + RandomText(random, 30),
        _ => "/" + RandomText(random, 30),
    };

    private static HttpMethod RandomMethod(Random random) =>
        new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch, HttpMethod.Options, HttpMethod.Head, HttpMethod.Get }[random.Next(7)];

    private static string RandomQuery(Random random) =>
        random.Next(4) == 0 ? "?" + Uri.EscapeDataString(RandomText(random, 20)) + "=" + Uri.EscapeDataString(RandomText(random, 20)) : "";

    private static HttpContent RandomBody(Random random, string validToken, string validStamp, string validProof)
    {
        switch (random.Next(8))
        {
            case 0:
                return new StringContent("{\"Input\":{\"Name\":" + random.Next() + "}}", Encoding.UTF8, "application/json");
            case 1:
            {
                var bytes = new byte[random.Next(0, 4096)];
                random.NextBytes(bytes);
                var content = new ByteArrayContent(bytes);
                content.Headers.TryAddWithoutValidation("Content-Type", random.Next(2) == 0 ? "application/x-www-form-urlencoded" : "multipart/form-data; boundary=" + new string(Enumerable.Range(0, random.Next(0, 80)).Select(_ => (char)random.Next(33, 127)).ToArray()));
                return content;
            }

            case 2:
            {
                var multipart = new MultipartFormDataContent();
                foreach (var name in Pick(random, FieldNames, random.Next(0, 8)))
                {
                    multipart.Add(new StringContent(RandomValue(random, validToken, validStamp, validProof)), name.Length == 0 ? "x" : name);
                }

                return multipart;
            }

            default:
            {
                // A url-encoded form, possibly with raw invalid UTF-8 and repeated fields.
                var body = new List<byte>();
                foreach (var name in Pick(random, FieldNames, random.Next(0, 12)))
                {
                    if (body.Count > 0)
                    {
                        body.Add((byte)'&');
                    }

                    body.AddRange(Encoding.ASCII.GetBytes(Uri.EscapeDataString(name) + "="));
                    if (random.Next(10) == 0)
                    {
                        body.AddRange([0xC3, 0x28, 0xFF, 0xFE, 0x00, 0xED, 0xA0, 0x80]);
                    }
                    else
                    {
                        body.AddRange(Encoding.ASCII.GetBytes(Uri.EscapeDataString(RandomValue(random, validToken, validStamp, validProof))));
                    }
                }

                var content = new ByteArrayContent(body.ToArray());
                content.Headers.TryAddWithoutValidation("Content-Type", random.Next(10) == 0 ? "text/plain" : "application/x-www-form-urlencoded");
                return content;
            }
        }
    }

    private static IEnumerable<string> Pick(Random random, string[] names, int count) =>
        Enumerable.Range(0, count).Select(_ => names[random.Next(names.Length)]);

    private static string RandomValue(Random random, string validToken, string validStamp, string validProof) => random.Next(12) switch
    {
        0 => validToken,
        1 => validStamp,
        2 => validProof,
        3 => new string('x', random.Next(1_000, 40_000)),
        4 => "yes",
        5 => "FR",
        6 => RandomText(random, 300) + "@" + RandomText(random, 20),
        7 => "",
        8 => random.Next().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => RandomText(random, random.Next(1, 120)),
    };

    private const string Awkward = "\u202E\u200B\uFEFF\uFFFD<>\"'&%/\\";

    /// <summary>Any UTF-16 text: control characters, lone surrogates, right-to-left marks, null bytes.</summary>
    private static string RandomText(Random random, int maxLength)
    {
        var chars = new char[random.Next(1, maxLength + 1)];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = random.Next(4) switch
            {
                0 => (char)random.Next(0, 32),
                1 => (char)random.Next(0xD800, 0xE000),
                2 => Awkward[random.Next(Awkward.Length)],
                _ => (char)random.Next(32, 0x3000),
            };
        }

        return new string(chars);
    }
}
