using System.Security.Cryptography;
using System.Text;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Countersign.Tests.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Countersign.Tests.Privacy;

/// <summary>
/// Marker values typed into the signing form must never be found in clear in a log line or in the
/// raw bytes of the database, and must be beyond recovery once erased or crypto-shredded.
/// Runs on SQLite and on PostgreSQL (whose cluster files and server log are scanned too).
/// </summary>
public abstract class PersonalDataScanTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private sealed record Markers(string Name, string Email, string Postcode)
    {
        public static Markers New(string who)
        {
            var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            return new Markers($"Marker{who}Name{tag}", $"marker.{who.ToLowerInvariant()}.{tag}@example.org", $"MK{tag[..6].ToUpperInvariant()}");
        }

        public IEnumerable<string> All => [Name, Email, Postcode];
    }

    [Fact]
    public async Task Should_never_store_or_log_signers_details_in_clear_through_signing_confirming_an_update_signing_again_and_erasing()
    {
        var campaign = await Site.AddCampaignAsync();
        var publicSigner = Markers.New("Public");
        var privateSigner = Markers.New("Private");
        await SignAndConfirmAsync(campaign, publicSigner, showName: "yes", emailIndex: 0);
        await SignAndConfirmAsync(campaign, privateSigner, showName: "no", emailIndex: 1);

        // An update goes to both (each agreed to hear from every host), greeting them by name; the
        // private signer then unsubscribes in one click.
        var staff = await UpdateSteps.SignedInOrganiserAsync(Site, campaign);
        await UpdateSteps.SendAsync(Site, staff, campaign, campaign.Hosts[0].Id, "News for everyone who signed");
        var updates = (await Site.Mailbox.EmailsAsync(4)).Skip(2).ToList();
        var privateUpdate = Assert.Single(updates, m => m.To.Mailboxes.Single().Address == privateSigner.Email);
        Assert.Contains(privateSigner.Name, privateUpdate.TextBody, StringComparison.Ordinal);
        await TestSite.WaitUntilAsync(() => Site.QueryAsync(db => db.OutboxMessages.AllAsync(m => m.SentAt != null)), "the update emails are sent");
        using (var mailClient = Site.CreateClient())
        {
            var unsubscribed = await mailClient.PostAsync(UpdateSteps.UnsubscribePath(privateUpdate), new FormUrlEncodedContent([new("List-Unsubscribe", "One-Click")]));
            Assert.Equal(System.Net.HttpStatusCode.OK, unsubscribed.StatusCode);
        }

        // Signing again sends the "already signed" email; then the private signer erases their signature.
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: privateSigner.Name, email: privateSigner.Email, postcode: privateSigner.Postcode));
        var privateCiphertexts = await CiphertextsAsync(privateSigner);
        var emails = await Site.Mailbox.EmailsAsync(5);
        await FormFiller.PostAsync(Site.Browser(), Mailbox.ErasePath(emails[4]), []);
        Assert.Equal(1, await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync()));

        var stored = await StoredBytesAsync();
        // Not even the name of the signer who agreed to show it: it is stored encrypted like the rest.
        foreach (var marker in privateSigner.All.Concat(publicSigner.All))
        {
            Assert.Equal(0, Occurrences(stored, Encoding.UTF8.GetBytes(marker)));
            Assert.DoesNotContain(Site.Logs.Lines, line => line.Contains(marker, StringComparison.OrdinalIgnoreCase));
        }

        // After erasure: the erased signer's encrypted values are gone from the database's rows,
        // and on SQLite from the file's bytes too (secure_delete and an emptied write-ahead log).
        Assert.Equal(3, privateCiphertexts.Count);
        foreach (var ciphertext in privateCiphertexts)
        {
            if (provider == DatabaseProvider.Sqlite)
            {
                Assert.Equal(0, Occurrences(stored, ciphertext));
            }

            Assert.False(await Site.QueryAsync(db => db.Signatures.AnyAsync(s => s.NameCiphertext == ciphertext || s.EmailCiphertext == ciphertext || s.PostcodeCiphertext == ciphertext)));
        }
    }

    [Fact]
    public async Task Should_crypto_shred_a_campaign_six_months_after_delivery_so_copies_of_its_encrypted_values_cannot_be_read_while_the_count_stays()
    {
        var campaign = await Site.AddCampaignAsync();
        var signer = Markers.New("Shredded");
        await SignAndConfirmAsync(campaign, signer, showName: "yes", emailIndex: 0);

        // A copy of the encrypted values taken before shredding, as a stolen export of the table would hold them.
        var copied = await CiphertextsAsync(signer);
        var wrappedKey = await Site.QueryAsync(db => db.CampaignKeys.Where(k => k.CampaignId == campaign.Id).Select(k => k.WrappedKey).SingleAsync());
        Assert.Equal(3, copied.Count);

        var now = Site.Clock.GetUtcNow().UtcDateTime;
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c
            .SetProperty(x => x.State, CampaignState.Delivered).SetProperty(x => x.ClosedAt, now).SetProperty(x => x.DeliveredAt, now)));
        var job = Site.Services.GetRequiredService<RetentionJob>();
        Site.Clock.Advance(TimeSpan.FromDays(150));
        await job.RunOnceAsync();
        Assert.Null(await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.PersonalDataErasedAt).SingleAsync()));

        Site.Clock.Advance(TimeSpan.FromDays(40));
        await job.RunOnceAsync();
        await TestSite.WaitUntilAsync(async () => await Site.QueryAsync(db => db.Campaigns.AnyAsync(c => c.Id == campaign.Id && c.PersonalDataErasedAt != null)), "the campaign is shredded");

        // The result stands: still one confirmed signature, counted; nobody is named any more.
        var row = await Site.QueryAsync(db => db.Signatures.SingleAsync());
        Assert.Equal(SignatureState.Confirmed, row.State);
        Assert.Equal(1, await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync()));
        Assert.Empty(row.NameCiphertext);
        Assert.False(row.ShowNamePublicly);
        Assert.False(await Site.QueryAsync(db => db.CampaignKeys.AnyAsync(k => k.CampaignId == campaign.Id)));
        var runs = await Site.QueryAsync(db => db.RetentionRuns.ToListAsync());
        Assert.Equal(1, runs.Sum(r => r.CampaignsErased));

        // Every key the server can reach (the master key and whatever campaign key it now finds or
        // makes) fails on the old copy: 0 of the 3 values can be recovered.
        using var keys = new CampaignKeys(Site.Services.GetRequiredService<IServiceScopeFactory>(), Site.Services.GetRequiredService<PrivacyKeys>(),
            Site.Services.GetRequiredService<PersonalDataProtector>(), Site.Clock);
        var cipher = await keys.ForCampaignAsync(campaign.Id);
        var protector = Site.Services.GetRequiredService<PersonalDataProtector>();
        var recovered = copied.Count(value => TryDecrypt(() => cipher.DecryptString(value)) || TryDecrypt(() => protector.DecryptString(value)));
        Assert.Equal(0, recovered);

        var stored = await StoredBytesAsync();
        Assert.Equal(0, Occurrences(stored, Encoding.UTF8.GetBytes(signer.Name)));
        if (provider == DatabaseProvider.Sqlite)
        {
            // The destroyed key itself is nowhere in the file, not even in free space.
            Assert.Equal(0, Occurrences(stored, wrappedKey));
        }
    }

    private async Task SignAndConfirmAsync(Campaign campaign, Markers signer, string showName, int emailIndex)
    {
        var browser = Site.Browser();
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: signer.Name, email: signer.Email, postcode: signer.Postcode, showName: showName));
        var email = (await Site.Mailbox.EmailsAsync(emailIndex + 1))[emailIndex];
        await FormFiller.PostAsync(browser, Mailbox.ConfirmationPath(email), []);
    }

    /// <summary>The signer's encrypted name, email and postcode as stored now.</summary>
    private async Task<List<byte[]>> CiphertextsAsync(Markers signer)
    {
        var cipher = await Site.Services.GetRequiredService<CampaignKeys>().ForCampaignAsync((await Site.QueryAsync(db => db.Campaigns.SingleAsync())).Id);
        var rows = await Site.QueryAsync(db => db.Signatures.Where(s => s.State != SignatureState.Erased).ToListAsync());
        var row = rows.Single(s => cipher.DecryptString(s.EmailCiphertext) == signer.Email);
        return [row.NameCiphertext, row.EmailCiphertext, row.PostcodeCiphertext!];
    }

    /// <summary>
    /// Every byte the database keeps on disk: SQLite's files; or, on PostgreSQL (after a checkpoint), this test's
    /// database's own files, the cluster's shared catalogs and write-ahead log, and its server log. The other tests'
    /// databases on the shared server are left out: together they grow past what one buffer can hold.
    /// Each file is kept apart, so a search never matches across two of them.
    /// </summary>
    private async Task<IReadOnlyList<byte[]>> StoredBytesAsync()
    {
        IEnumerable<string> files;
        if (provider == DatabaseProvider.Sqlite)
        {
            files = Directory.GetFiles(Site.DataFolder, "countersign.db*");
        }
        else
        {
            var server = await SharedPostgres.GetAsync();
            await using (var connection = new NpgsqlConnection(server.AdminConnectionString))
            {
                await connection.OpenAsync();
                await using var checkpoint = new NpgsqlCommand("CHECKPOINT", connection);
                await checkpoint.ExecuteNonQueryAsync();
            }

            var databaseId = await Site.QueryAsync(db => db.Database.SqlQueryRaw<long>("""SELECT oid::bigint AS "Value" FROM pg_database WHERE datname = current_database()""").SingleAsync());
            var ownFolder = Path.Combine(server.DataDirectory, "base", databaseId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.True(Directory.Exists(ownFolder) && Directory.GetFiles(ownFolder).Length > 0, $"The database's own files are not at {ownFolder}.");
            files = new[] { ownFolder, "global", "pg_wal" }
                .SelectMany(folder => Directory.GetFiles(Path.Combine(server.DataDirectory, folder), "*", SearchOption.AllDirectories))
                .Append(server.LogFile);
        }

        var contents = new List<byte[]>();
        foreach (var file in files)
        {
            try
            {
                contents.Add(await File.ReadAllBytesAsync(file));
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
            {
                // A temporary file the server removed meanwhile.
            }
        }

        Assert.True(contents.Sum(content => (long)content.Length) > 0, "No database files were found to scan.");
        return contents;
    }

    private static int Occurrences(IReadOnlyList<byte[]> files, byte[] needle) => files.Sum(file => Occurrences(file, needle));

    private static int Occurrences(byte[] haystack, byte[] needle)
    {
        var count = 0;
        var span = haystack.AsSpan();
        for (var at = span.IndexOf(needle); at >= 0; at = span.IndexOf(needle))
        {
            count++;
            span = span[(at + 1)..];
        }

        return count;
    }

    private static bool TryDecrypt(Func<string> decrypt)
    {
        try
        {
            decrypt();
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

public sealed class PersonalDataScanOnSqlite() : PersonalDataScanTests(DatabaseProvider.Sqlite);

public sealed class PersonalDataScanOnPostgres() : PersonalDataScanTests(DatabaseProvider.Postgres);
