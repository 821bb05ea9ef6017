using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// A campaign's language: campaigns stored before it existed become English, reviews stored before it read as English,
/// the list offers each language in its own name, and an update's email marks the campaign's words with it.
/// </summary>
public abstract class CampaignLanguageRulesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_make_campaigns_stored_before_they_had_a_language_english()
    {
        var campaign = await Database.AddCampaignAsync();
        await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.Language, "fr")));

        // Back to the schema before the migration that added the column, then forward again, as an upgrade runs it.
        await Database.WithDbAsync(async db =>
        {
            var migrations = db.Database.GetMigrations().ToList();
            var adding = migrations.FindIndex(id => id.EndsWith("_CampaignLanguage", StringComparison.Ordinal));
            Assert.True(adding > 0, "No migration adds the campaigns' language.");
            var migrator = db.GetService<IMigrator>();
            await migrator.MigrateAsync(migrations[adding - 1]);
            await migrator.MigrateAsync();
        });

        Assert.Equal(ContentLanguages.Default, await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.Language).SingleAsync()));
    }

    [Fact]
    public void Should_read_a_review_stored_before_campaigns_had_a_language_as_english_and_show_a_change_of_language()
    {
        var stored = CampaignContent.Empty with { Title = "Stop the cameras", Goal = 1000 };
        var withoutLanguage = System.Text.Json.Nodes.JsonNode.Parse(stored.ToJson())!.AsObject();
        withoutLanguage.Remove(nameof(CampaignContent.Language));

        var read = CampaignContent.FromJson(withoutLanguage.ToJsonString());

        Assert.Equal(ContentLanguages.Default, read.Language);
        var diff = Assert.Single((read with { Language = "de" }).DiffSince(read));
        Assert.Equal("Language", diff.Field);
        Assert.Equal(
            [new DiffLine(DiffLineKind.Removed, "English (en)"), new DiffLine(DiffLineKind.Added, "Deutsch (de)")],
            diff.Lines);
    }

    [Fact]
    public void Should_offer_each_language_in_its_own_name_and_direction_and_know_no_other()
    {
        var names = ContentLanguages.All.ToDictionary(l => l.Tag, l => l.Name);

        Assert.Equal(("English", "Français", "Deutsch", "Español", "العربية"), (names["en"], names["fr"], names["de"], names["es"], names["ar"]));
        Assert.Equal(["ar", "fa", "he", "ps", "ur"], ContentLanguages.All.Where(l => l.IsRightToLeft).Select(l => l.Tag).Order(StringComparer.Ordinal));
        Assert.Equal("rtl", ContentLanguages.Direction("he"));
        Assert.Equal("ltr", ContentLanguages.Direction("fr"));

        // Latin-script names first, in alphabetical order; other scripts after.
        var order = ContentLanguages.All.Select(l => l.Tag).ToList();
        Assert.True(order.IndexOf("de") < order.IndexOf("en") && order.IndexOf("en") < order.IndexOf("fr") && order.IndexOf("fr") < order.IndexOf("ar"), string.Join(" ", order));

        Assert.False(ContentLanguages.IsKnown("xx"));
        Assert.False(ContentLanguages.IsKnown("EN"));
        Assert.False(ContentLanguages.IsKnown("en\" onmouseover=\"alert(1)"));
        Assert.False(ContentLanguages.IsKnown(null));
        Assert.Equal("fr", ContentLanguages.ForNewCampaign(System.Globalization.CultureInfo.GetCultureInfo("fr-FR")));
        Assert.Equal(ContentLanguages.Default, ContentLanguages.ForNewCampaign(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Should_mark_the_campaign_words_of_an_update_email_with_the_campaign_language_inside_the_signers()
    {
        var campaign = await Database.AddCampaignAsync();
        campaign.Language = "ar";
        var update = new CampaignUpdate { CampaignId = campaign.Id, HostId = campaign.Hosts[0].Id, HostName = campaign.Hosts[0].Name, Title = "أخبار", BodyMarkdown = "نص" };

        var message = Database.Get<SignerEmails>().Update(campaign, update, "<p>نص</p>", signatureId: 1, "Suzie", "suzie@example.org", new byte[32], "fr");

        Assert.Contains("<html lang=\"fr\">", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("<div lang=\"ar\" dir=\"rtl\">\n<p>نص</p>\n</div>", message.HtmlBody, StringComparison.Ordinal);
        Assert.Contains($"<span lang=\"ar\" dir=\"rtl\">{campaign.Title}</span>", message.HtmlBody, StringComparison.Ordinal);
    }
}

public sealed class CampaignLanguageRulesOnSqlite() : CampaignLanguageRulesTests(DatabaseProvider.Sqlite);

public sealed class CampaignLanguageRulesOnPostgres() : CampaignLanguageRulesTests(DatabaseProvider.Postgres);
