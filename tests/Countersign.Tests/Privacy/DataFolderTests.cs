using System.Net;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Privacy;

/// <summary>
/// The data folder holds the database, the keys and the outbox's emails: no other account on the
/// machine may read them, and the emails go when their person erases themselves or once their links
/// have expired.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DataFolderTests
{
    private const UnixFileMode OwnerOnlyFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerOnlyFile = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode ReadableByAll = OwnerOnlyFile | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public void Should_make_a_new_data_folder_owner_only_and_mend_an_old_one()
    {
        var parent = Directory.CreateTempSubdirectory("countersign-folder-").FullName;
        try
        {
            var fresh = Path.Combine(parent, "fresh", "data");
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(new DataFolder(Settings(fresh)).Path));

            // An installation made before the rule: everything readable by every local account.
            var old = Path.Combine(parent, "old");
            Directory.CreateDirectory(Path.Combine(old, "outbox"));
            File.WriteAllText(Path.Combine(old, "countersign.db"), "");
            File.WriteAllText(Path.Combine(old, "outbox", "20261201-120000-000-00000001-x.eml"), "To: someone");
            foreach (var entry in Directory.GetFileSystemEntries(old, "*", SearchOption.AllDirectories).Append(old))
            {
                File.SetUnixFileMode(entry, Directory.Exists(entry) ? OwnerOnlyFolder | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute : ReadableByAll);
            }

            var mended = new DataFolder(Settings(old));
            Assert.Empty(mended.NotOwnerOnly);
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(old));
            Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(old, "outbox")));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(old, "countersign.db")));
            Assert.Equal(OwnerOnlyFile, File.GetUnixFileMode(Path.Combine(old, "outbox", "20261201-120000-000-00000001-x.eml")));
        }
        finally
        {
            Directory.Delete(parent, recursive: true);
        }
    }

    [Fact]
    public async Task Should_write_the_database_and_the_outbox_emails_for_the_owner_alone_and_delete_the_emails_of_someone_who_erases_themselves()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite);
        var campaign = await site.AddCampaignAsync();
        await FormFiller.PostAsync(site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: "Nadia", email: "nadia@example.org"));
        await FormFiller.PostAsync(site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: "Amal", email: "amal@example.org"));
        var emails = await site.Mailbox.EmailsAsync(2);

        var written = Directory.GetFiles(site.DataFolder, "*", SearchOption.AllDirectories).Where(file => !file.Contains("data-protection-keys", StringComparison.Ordinal)).ToList();
        Assert.Contains(written, file => file.EndsWith("countersign.db", StringComparison.Ordinal));
        Assert.Contains(written, file => file.EndsWith("countersign.db-wal", StringComparison.Ordinal));
        Assert.Contains(written, file => file.EndsWith(".eml", StringComparison.Ordinal));
        Assert.All(written, file => Assert.True(File.GetUnixFileMode(file) == OwnerOnlyFile, $"{Path.GetFileName(file)} is {File.GetUnixFileMode(file)}"));
        Assert.Equal(OwnerOnlyFolder, File.GetUnixFileMode(Path.Combine(site.DataFolder, "outbox")));

        var nadias = emails.Single(email => email.To.ToString().Contains("nadia", StringComparison.Ordinal));
        var browser = site.Browser();
        Assert.Equal(HttpStatusCode.OK, (await FormFiller.PostAsync(browser, Mailbox.ErasePath(nadias), [])).StatusCode);
        var left = Assert.Single(await site.Mailbox.EmailsAsync(0));
        Assert.Contains("amal@example.org", left.To.ToString(), StringComparison.Ordinal);

        // Once a confirmation link has expired, nothing is left for the email to do.
        site.Clock.Advance(TimeSpan.FromDays(new RetentionOptions().PendingDays) + TimeSpan.FromMinutes(1));
        await site.Services.GetRequiredService<RetentionJob>().RunOnceAsync();
        Assert.Empty(await site.Mailbox.EmailsAsync(0));
    }

    private static IConfiguration Settings(string folder) =>
        new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Data:Folder"] = folder }).Build();
}
