using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Signing;

/// <summary>
/// The server is killed with SIGKILL in the middle of a flood of signatures and confirmations,
/// five times over: every request that was acknowledged is still there, exactly once, and the
/// counters still equal the rows.
/// </summary>
public sealed partial class DurabilityTests
{
    private const string Slug = "drop-the-face-recognition-stake";
    /// <summary>Five in the suite; the benchmark runs this test with COUNTERSIGN_DURABILITY_ROUNDS=20.</summary>
    private static readonly int Rounds =
        int.TryParse(Environment.GetEnvironmentVariable("COUNTERSIGN_DURABILITY_ROUNDS"), out var rounds) && rounds > 0 ? rounds : 5;
    private const int Clients = 8;

    [Fact]
    public async Task Should_keep_every_acknowledged_signature_and_confirmation_through_kill_9()
    {
        var folder = Directory.CreateTempSubdirectory("countersign-durability-").FullName;
        var encryptionKey = RandomNumberGenerator.GetBytes(32);
        var hashingKey = RandomNumberGenerator.GetBytes(32);
        var environment = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Sqlite",
            ["Data__Folder"] = folder,
            ["Privacy__EncryptionKey"] = Convert.ToBase64String(encryptionKey),
            ["Privacy__HashingKey"] = Convert.ToBase64String(hashingKey),
            ["Logging__LogLevel__Default"] = "Warning",

            // The clients sign the moment the page has loaded: this test is about durability, not bot checks.
            ["Signing__MinimumSecondsToFill"] = "0",
            ["ProofOfWork__MaxNumber"] = "50",
        };
        var protector = new PersonalDataProtector(new PrivacyKeys(encryptionKey, hashingKey));
        var signed = new ConcurrentBag<string>();
        var confirmed = new ConcurrentBag<long>();

        for (var round = 0; round < Rounds; round++)
        {
            await using var server = await ServerProcess.StartAsync(environment, "--demo");
            using var stop = new CancellationTokenSource();
            var load = Enumerable.Range(0, Clients)
                .Select(client => client == 0
                    ? ConfirmUntilStoppedAsync(server.Address, folder, protector, confirmed, stop.Token)
                    : SignUntilStoppedAsync(server.Address, $"r{round}c{client}", signed, stop.Token))
                .ToList();

            // Kill once the flood is well under way (a varying amount in each round), never on a timer
            // alone: on a slow machine that could kill the server before it acknowledged anything.
            var target = signed.Count + 40 + (round * 15);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((signed.Count < target || confirmed.IsEmpty) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(10);
            }

            await server.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }

        // Once more after the last kill, so the database is opened (and its WAL recovered) by the app itself.
        await using (await ServerProcess.StartAsync(environment))
        {
        }

        Assert.True(signed.Count > 50, $"Only {signed.Count} signatures were acknowledged; the load did not run.");
        Assert.NotEmpty(confirmed);
        await using var db = Open(folder);
        var campaign = await db.Campaigns.SingleAsync(c => c.Slug == Slug);
        var stored = await db.Signatures.Where(s => s.CampaignId == campaign.Id && !s.IsDemo).ToListAsync();
        var storedKeys = stored.Select(s => Convert.ToHexString(s.EmailKey)).ToHashSet();

        var lost = signed.Where(email => !storedKeys.Contains(Convert.ToHexString(protector.EmailKey(EmailAddress.Normalise(email))))).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {signed.Count} acknowledged signatures are missing, e.g. {lost.FirstOrDefault()}.");
        Assert.Equal(stored.Count, storedKeys.Count);

        var confirmedIds = stored.Where(s => s.State == SignatureState.Confirmed).Select(s => s.Id).ToHashSet();
        Assert.All(confirmed, id => Assert.Contains(id, confirmedIds));

        var confirmedRows = await db.Signatures.Where(s => s.CampaignId == campaign.Id).CountAsync(Signature.Counts);
        Assert.Equal(confirmedRows, campaign.SignatureCount);
        Assert.Equal(confirmedRows, await db.CountryCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count));
        Assert.Equal(confirmedRows, await db.DayCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count));
        Assert.True(await db.OutboxMessages.CountAsync(m => m.Kind == "confirmation") >= stored.Count, "A stored signature lost its confirmation email.");

        var integrity = await db.Database.SqlQueryRaw<string>("PRAGMA integrity_check").ToListAsync();
        Assert.Equal(["ok"], integrity);
    }

    private static SqliteCountersignDb Open(string folder) =>
        new(new DbContextOptionsBuilder<SqliteCountersignDb>().UseSqlite($"Data Source={Path.Combine(folder, "countersign.db")}").Options);

    private static async Task SignUntilStoppedAsync(string address, string prefix, ConcurrentBag<string> signed, CancellationToken stop)
    {
        using var client = new HttpClient(new LoopbackCookieJar()) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var page = await client.GetStringAsync($"/c/{Slug}", stop);
            var token = FormFiller.AntiforgeryToken(page);
            var stamp = FormFiller.FormStamp(page);
            var hosts = HostField().Matches(page).Select(m => m.Groups["id"].Value).Distinct().ToList();
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                // Each signer on their own domain and address, as in a viral moment, so the rate limits hold nothing back.
                var email = $"{prefix}-{n}@{prefix}-{n}.test";
                var form = new Dictionary<string, string>
                {
                    ["Input.Name"] = "Durable Signer",
                    ["Input.Email"] = email,
                    ["Input.Country"] = n % 2 == 0 ? "FR" : "PS",
                    ["Input.ShowName"] = "no",
                    ["Input.Started"] = stamp,
                    [ProofOfWork.FormField] = await SolveChallengeAsync(client, stop),
                    ["__RequestVerificationToken"] = token,
                };
                foreach (var host in hosts)
                {
                    form[$"Input.HostUpdates[{host}]"] = "no";
                }

                var response = await client.SendAsync(FromSomeone(HttpMethod.Post, $"/c/{Slug}", new FormUrlEncodedContent(form)), stop);
                if (response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location?.OriginalString.EndsWith("/check-email", StringComparison.Ordinal) == true)
                {
                    signed.Add(email);
                }
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            // The server was killed: requests without an answer were never acknowledged.
        }
    }

    private static async Task ConfirmUntilStoppedAsync(string address, string folder, PersonalDataProtector protector, ConcurrentBag<long> confirmed, CancellationToken stop)
    {
        using var client = new HttpClient(new LoopbackCookieJar()) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var token = FormFiller.AntiforgeryToken(await client.GetStringAsync($"/c/{Slug}", stop));
            while (!stop.IsCancellationRequested)
            {
                await using var db = Open(folder);
                var pending = await db.Signatures.AsNoTracking().Where(s => s.State == SignatureState.Pending).Take(20).ToListAsync(stop);
                foreach (var signature in pending)
                {
                    var link = "/confirm/" + ConfirmationToken.Create(protector, signature.CampaignId, signature.EmailKey, signature.ConfirmationTokenExpiresAt!.Value);
                    var response = await client.SendAsync(FromSomeone(HttpMethod.Post, link, new FormUrlEncodedContent([new("__RequestVerificationToken", token)])), stop);
                    if (response.StatusCode == HttpStatusCode.Redirect)
                    {
                        confirmed.Add(signature.Id);
                    }
                }

                await Task.Delay(20, stop);
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException)
        {
            // As above: the server is gone.
        }
    }

    private static async Task<string> SolveChallengeAsync(HttpClient client, CancellationToken stop)
    {
        using var challenge = await client.SendAsync(FromSomeone(HttpMethod.Get, $"/c/{Slug}/altcha"), stop);
        challenge.EnsureSuccessStatusCode();
        return ProofOfWork.SolveLikeTheWidget(await challenge.Content.ReadAsStringAsync(stop));
    }

    /// <summary>A request as the loopback proxy passes it on: from a random client address.</summary>
    private static HttpRequestMessage FromSomeone(HttpMethod method, string path, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Add("X-Forwarded-For", $"{Random.Shared.Next(1, 224)}.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}");
        return request;
    }

    [GeneratedRegex("name=\"Input.HostUpdates\\[(?<id>\\d+)\\]\"")]
    private static partial Regex HostField();
}
