using System.Net;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Signing;

/// <summary>When the database stalls and the queue is full, signers get a friendly 503 with their form kept.</summary>
public sealed class IntakeTests
{
    [Fact]
    public async Task Should_answer_503_with_retry_after_and_the_typed_values_when_the_queue_is_full()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["Signing:QueueCapacity"] = "1";
            settings["Signing:MaxBatchSize"] = "1";
        });
        var campaign = await site.AddCampaignAsync();
        var browsers = Enumerable.Range(0, 6).Select(_ => site.Browser()).ToList();
        var forms = await Task.WhenAll(browsers.Select((browser, i) =>
            FormFiller.CompleteAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: $"queued-{i}@example.org"))));

        // Another writer holds the database: the intake's writer waits, and its queue fills.
        await using (var blocker = new SqliteConnection($"Data Source={Path.Combine(site.DataFolder, "countersign.db")}"))
        {
            await blocker.OpenAsync();
            await using var hold = blocker.CreateCommand();
            hold.CommandText = "BEGIN IMMEDIATE";
            await hold.ExecuteNonQueryAsync();

            var sending = browsers.Select((browser, i) => browser.PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent(forms[i]))).ToList();

            // One signature waits in the writer and one in the queue: the other four must be refused
            // before the database is released, or a slow request could slip in after and be accepted.
            var refused = new List<HttpResponseMessage>();
            var unanswered = sending.ToList();
            while (refused.Count < 4)
            {
                var finished = await Task.WhenAny(unanswered);
                unanswered.Remove(finished);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, (await finished).StatusCode);
                refused.Add(await finished);
            }

            var busy = refused[0];
            Assert.Equal(TimeSpan.FromSeconds(5), busy.Headers.RetryAfter?.Delta);
            var page = await busy.Content.ReadAsStringAsync();
            Assert.Contains("Many people are signing right now", page, StringComparison.Ordinal);
            Assert.Matches("value=\"queued-\\d@example.org\"", page);

            hold.CommandText = "ROLLBACK";
            await hold.ExecuteNonQueryAsync();
            var responses = await Task.WhenAll(sending);

            var accepted = responses.Count(r => r.StatusCode == HttpStatusCode.Redirect);
            Assert.InRange(accepted, 1, 2);
            Assert.Equal(6 - accepted, responses.Count(r => r.StatusCode == HttpStatusCode.ServiceUnavailable));
            Assert.Equal(accepted, await site.QueryAsync(db => db.Signatures.CountAsync()));
        }
    }
}
