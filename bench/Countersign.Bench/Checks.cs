using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Countersign.Bench;

/// <summary>Where the tables stood before a load, so the checks afterwards look only at what the load added.</summary>
public sealed record Snapshot(
    int CampaignId,
    long MaxSignatureId,
    long MaxOutboxId,
    int Signatures,
    int Pending,
    int Confirmed,
    int SignatureCount,
    int OutboxMessages,
    int OutboxSent);

/// <summary>
/// Reads the database the server wrote (never through the server) to prove that what wrk was told
/// is what was stored: a row and an email per acknowledged signature, counters equal to the rows.
/// </summary>
public static partial class Checks
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static async Task<int> SnapshotAsync(Arguments options)
    {
        await using var db = BenchDatabase.Open();
        var snapshot = await TakeAsync(db, options.Get("slug"));
        await File.WriteAllTextAsync(options.Get("out"), JsonSerializer.Serialize(snapshot, Json));
        Console.WriteLine(FormattableString.Invariant(
            $"{snapshot.Signatures} signature rows ({snapshot.Confirmed} confirmed, {snapshot.Pending} pending), {snapshot.OutboxMessages} outbox rows ({snapshot.OutboxSent} sent)"));
        return 0;
    }

    /// <summary>
    /// The confirmation link of every pending signature of the campaign, one path per line. The token is
    /// derived exactly as the server derives it, from the row's campaign, email key and expiry.
    /// </summary>
    public static async Task<int> WriteConfirmPathsAsync(Arguments options)
    {
        await using var db = BenchDatabase.Open();
        var protector = BenchDatabase.Protector();
        var campaign = await FindCampaignAsync(db, options.Get("slug"));
        var pending = await db.Signatures.AsNoTracking()
            .Where(s => s.CampaignId == campaign.Id && s.State == SignatureState.Pending)
            .OrderBy(s => s.Id)
            .Select(s => new { s.CampaignId, s.EmailKey, s.ConfirmationTokenExpiresAt, s.ConfirmationTokenHash })
            .ToListAsync();

        var paths = new StringBuilder();
        var mismatched = 0;
        foreach (var signature in pending)
        {
            var token = ConfirmationToken.Create(protector, signature.CampaignId, signature.EmailKey, signature.ConfirmationTokenExpiresAt!.Value);
            if (signature.ConfirmationTokenHash is null || !ConfirmationToken.Hash(token).AsSpan().SequenceEqual(signature.ConfirmationTokenHash))
            {
                mismatched++;
                continue;
            }

            paths.Append("/confirm/").Append(token).Append('\n');
        }

        await File.WriteAllTextAsync(options.Get("out"), paths.ToString());
        Console.WriteLine($"{pending.Count - mismatched} confirmation links written");
        if (mismatched > 0)
        {
            throw new BenchException($"{mismatched} pending signature(s) have a token hash the bench cannot reproduce: are the privacy keys the server's?");
        }

        return 0;
    }

    /// <summary>After the signing load: one new row per acknowledged request, no duplicate, one email each.</summary>
    public static async Task<int> CheckSigningAsync(Arguments options)
    {
        var report = new CheckReport(options.Get("results"), options.Get("prefix"));
        var before = ReadSnapshot(options.Get("before"));
        var wrk = KeyValues.Read(options.Get("wrk"));
        var ok = KeyValues.Count(wrk, "ok");
        var unanswered = KeyValues.Count(wrk, "sent") - KeyValues.Count(wrk, "responses");
        var failed = KeyValues.Count(wrk, "s5xx") + KeyValues.Count(wrk, "other");
        var run = options.Get("run");
        var emailPattern = new Regex($"^bench-{Regex.Escape(run)}-[0-9]+-[0-9]+@gmail\\.com$", RegexOptions.CultureInvariant);

        await using var db = BenchDatabase.Open();
        var campaign = await FindCampaignAsync(db, options.Get("slug"));
        using var cipher = await BenchDatabase.CampaignCipherAsync(db, campaign.Id);

        var newRows = await db.Signatures.AsNoTracking()
            .Where(s => s.CampaignId == campaign.Id && s.Id > before.MaxSignatureId)
            .Select(s => new { s.EmailCiphertext, s.State })
            .ToListAsync();
        var emails = new HashSet<string>(StringComparer.Ordinal);
        var foreign = 0;
        foreach (var row in newRows)
        {
            var email = cipher.DecryptString(row.EmailCiphertext);
            if (!emailPattern.IsMatch(email))
            {
                foreign++;
            }

            emails.Add(email);
        }

        // wrk stops with requests in flight: the server may have stored those without wrk counting
        // them, so the rows may exceed the acknowledged count by at most the unanswered requests.
        var extra = newRows.Count - ok;
        report.Add(
            "sign_rows",
            extra >= 0 && extra <= unanswered + failed,
            $"{newRows.Count} new signature rows for {ok} acknowledged requests ({unanswered} left unanswered when wrk stopped, {failed} failed)");
        report.Add(
            "sign_distinct",
            emails.Count == newRows.Count && foreign == 0,
            $"{emails.Count} distinct addresses in {newRows.Count} new rows, {foreign} not sent by this run");

        var duplicates = await db.Signatures.AsNoTracking()
            .Where(s => s.CampaignId == campaign.Id)
            .GroupBy(s => s.EmailKey)
            .Where(g => g.Count() > 1)
            .CountAsync();
        report.Add("sign_no_duplicate_email_key", duplicates == 0, $"{duplicates} email key(s) stored more than once");

        await CheckOutboxAsync(db, BenchDatabase.Protector(), before, emails, report);
        await CheckCountersAsync(db, campaign.Id, report, "sign_counters");
        return report.Finish();
    }

    /// <summary>After the confirming load: one confirmed row per acknowledged link, and counters equal to the rows.</summary>
    public static async Task<int> CheckConfirmingAsync(Arguments options)
    {
        var report = new CheckReport(options.Get("results"), options.Get("prefix"));
        var before = ReadSnapshot(options.Get("before"));
        var wrk = KeyValues.Read(options.Get("wrk"));
        var confirmed = KeyValues.Count(wrk, "redirects");
        var unanswered = KeyValues.Count(wrk, "sent") - KeyValues.Count(wrk, "responses");
        var failed = KeyValues.Count(wrk, "s5xx") + KeyValues.Count(wrk, "other");

        await using var db = BenchDatabase.Open();
        var after = await TakeAsync(db, options.Get("slug"));
        var newlyConfirmed = after.Confirmed - before.Confirmed;
        var extra = newlyConfirmed - confirmed;
        report.Add(
            "confirm_rows",
            extra >= 0 && extra <= unanswered + failed,
            $"{newlyConfirmed} signatures moved to confirmed for {confirmed} acknowledged confirmations ({unanswered} left unanswered when wrk stopped, {failed} failed)");
        report.Add(
            "confirm_pending",
            after.Pending == before.Pending - newlyConfirmed && after.Signatures == before.Signatures,
            $"{before.Pending} pending before, {after.Pending} after; {after.Signatures - before.Signatures} rows added by confirming");
        await CheckCountersAsync(db, after.CampaignId, report, "confirm_counters");
        return report.Finish();
    }

    /// <summary>
    /// One outbox row per new signature. Rows the worker has not sent yet still hold the message,
    /// so their recipients are read back and matched against the new signatures' addresses.
    /// </summary>
    private static async Task CheckOutboxAsync(CountersignDb db, PersonalDataProtector protector, Snapshot before, HashSet<string> emails, CheckReport report)
    {
        var messages = await db.OutboxMessages.AsNoTracking()
            .Where(m => m.Id > before.MaxOutboxId)
            .Select(m => new { m.Kind, m.MessageCiphertext, m.SentAt })
            .ToListAsync();
        var confirmations = messages.Count(m => m.Kind == SignerEmails.ConfirmationKind);
        report.Add(
            "sign_outbox",
            messages.Count == emails.Count && confirmations == emails.Count,
            $"{messages.Count} new outbox rows ({confirmations} confirmation emails) for {emails.Count} new signatures");

        var recipients = new HashSet<string>(StringComparer.Ordinal);
        var readable = 0;
        var repeated = 0;
        var unknown = 0;
        foreach (var message in messages.Where(m => m.MessageCiphertext is not null))
        {
            using var content = new MemoryStream(protector.Decrypt(message.MessageCiphertext!));
            var mime = await MimeMessage.LoadAsync(content);
            foreach (var address in mime.To.Mailboxes.Select(m => m.Address))
            {
                readable++;
                if (!recipients.Add(address))
                {
                    repeated++;
                }

                if (!emails.Contains(address))
                {
                    unknown++;
                }
            }
        }

        var sent = messages.Count(m => m.SentAt is not null);
        report.Figure("emails_sent_during_load", sent);
        report.Add(
            "sign_outbox_recipients",
            repeated == 0 && unknown == 0,
            $"{readable} unsent emails read back: {repeated} repeated recipient(s), {unknown} not a new signer; {sent} already sent by the worker (their content is erased, so only counted)");
    }

    /// <summary>
    /// Campaigns.SignatureCount, CountryCounts and DayCounts against the confirmed rows themselves;
    /// and no signature held by a rate limit, since every simulated signer has their own address.
    /// </summary>
    private static async Task CheckCountersAsync(CountersignDb db, int campaignId, CheckReport report, string name)
    {
        var campaign = await db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaignId);
        var held = await db.Signatures.CountAsync(s => s.CampaignId == campaignId && s.HeldBecause != null);
        var confirmedRows = await db.Signatures.AsNoTracking()
            .Where(s => s.CampaignId == campaignId).Where(Signature.Counts)
            .Select(s => new { s.CountryCode, s.ConfirmedAt })
            .ToListAsync();
        var countries = await db.CountryCounts.AsNoTracking().Where(c => c.CampaignId == campaignId).ToListAsync();
        var days = await db.DayCounts.AsNoTracking().Where(c => c.CampaignId == campaignId).ToListAsync();

        var rowsByCountry = confirmedRows.GroupBy(s => s.CountryCode).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var rowsByDay = confirmedRows.GroupBy(s => DateOnly.FromDateTime(s.ConfirmedAt ?? DateTime.MinValue)).ToDictionary(g => g.Key, g => g.Count());
        var countryMismatches = countries.Where(c => c.Count != 0).Count(c => rowsByCountry.GetValueOrDefault(c.CountryCode) != c.Count)
            + rowsByCountry.Count(pair => !countries.Any(c => c.CountryCode == pair.Key));
        var dayMismatches = days.Where(d => d.Count != 0).Count(d => rowsByDay.GetValueOrDefault(d.Day) != d.Count)
            + rowsByDay.Count(pair => !days.Any(d => d.Day == pair.Key));

        var countrySum = countries.Sum(c => (long)c.Count);
        var daySum = days.Sum(d => (long)d.Count);
        report.Add(
            name,
            campaign.SignatureCount == confirmedRows.Count && countrySum == confirmedRows.Count && daySum == confirmedRows.Count
                && countryMismatches == 0 && dayMismatches == 0 && held == 0,
            $"SignatureCount {campaign.SignatureCount}, confirmed rows {confirmedRows.Count}, CountryCounts sum {countrySum} "
                + $"({countryMismatches} country mismatch(es)), DayCounts sum {daySum} ({dayMismatches} day mismatch(es)), {held} held by a rate limit");
    }

    private static async Task<Snapshot> TakeAsync(CountersignDb db, string slug)
    {
        var campaign = await FindCampaignAsync(db, slug);
        var byState = await db.Signatures.AsNoTracking().Where(s => s.CampaignId == campaign.Id)
            .GroupBy(s => s.State).Select(g => new { State = g.Key, Count = g.Count() }).ToListAsync();
        return new Snapshot(
            campaign.Id,
            await db.Signatures.MaxAsync(s => (long?)s.Id) ?? 0,
            await db.OutboxMessages.MaxAsync(m => (long?)m.Id) ?? 0,
            byState.Sum(s => s.Count),
            byState.Where(s => s.State == SignatureState.Pending).Sum(s => s.Count),
            byState.Where(s => s.State == SignatureState.Confirmed).Sum(s => s.Count),
            campaign.SignatureCount,
            await db.OutboxMessages.CountAsync(),
            await db.OutboxMessages.CountAsync(m => m.SentAt != null));
    }

    private static async Task<Campaign> FindCampaignAsync(CountersignDb db, string slug) =>
        await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Slug == slug)
            ?? throw new BenchException($"no campaign has the slug '{slug}'");

    private static Snapshot ReadSnapshot(string path) =>
        JsonSerializer.Deserialize<Snapshot>(File.ReadAllText(path)) ?? throw new BenchException($"{path} holds no snapshot");

    /// <summary>Prints each check and records it in the results file for the final report.</summary>
    private sealed class CheckReport(string resultsPath, string prefix)
    {
        private int _failures;

        public void Add(string name, bool passed, string detail)
        {
            Console.WriteLine($"  {(passed ? "PASS" : "FAIL")} {name}: {detail}");
            KeyValues.Append(resultsPath, $"{prefix}.check.{name}", $"{(passed ? "PASS" : "FAIL")} {detail}");
            if (!passed)
            {
                _failures++;
            }
        }

        public void Figure(string name, long value) => KeyValues.Append(resultsPath, $"{prefix}.{name}", $"{value}");

        public int Finish() => _failures == 0 ? 0 : 1;
    }
}
