using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Signing;

/// <summary>Someone signs a petition and confirms by email. Runs on SQLite and on PostgreSQL.</summary>
public abstract class SigningTests(DatabaseProvider provider) : IAsyncLifetime
{
    protected TestSite Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    public static Dictionary<string, string> Form(Campaign campaign, string name = "Amal Haddad", string email = "amal.haddad@example.org",
        string country = "FR", string postcode = "75011", string showName = "yes", string hostChoice = "yes")
    {
        var form = new Dictionary<string, string>
        {
            ["Input.Name"] = name,
            ["Input.Email"] = email,
            ["Input.Country"] = country,
            ["Input.Postcode"] = postcode,
            ["Input.ShowName"] = showName,
        };
        foreach (var host in campaign.Hosts)
        {
            form[$"Input.HostUpdates[{host.Id}]"] = hostChoice;
        }

        return form;
    }

    private async Task<int> CountAsync(string slug) =>
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Slug == slug).Select(c => c.SignatureCount).SingleAsync());

    [Fact]
    public async Task Should_show_open_campaigns_on_the_home_page_with_their_count()
    {
        await Site.AddCampaignAsync("stop-the-cameras");
        await Site.AddCampaignAsync("a-draft", CampaignState.Draft);
        var html = await Site.Browser().GetStringAsync("/");

        Assert.Contains("href=\"/c/stop-the-cameras\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("/c/a-draft", html, StringComparison.Ordinal);
        Assert.Contains("<progress max=\"1000\" value=\"0\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_the_campaign_page_with_sanitised_markdown_demands_hosts_and_form()
    {
        var campaign = await Site.AddCampaignAsync();
        var html = await Site.Browser().GetStringAsync($"/c/{campaign.Slug}");

        Assert.Contains("<strong>council</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.Contains("<li>Cancel the contract</li>", html, StringComparison.Ordinal);
        Assert.Contains("Station Watch", html, StringComparison.Ordinal);
        Assert.Contains("City council", html, StringComparison.Ordinal);
        Assert.Contains("name=\"Input.Email\"", html, StringComparison.Ordinal);
        Assert.Contains("<option value=\"PS\">", html, StringComparison.Ordinal);
        Assert.Contains("__RequestVerificationToken", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_hide_draft_campaigns_and_unknown_slugs_behind_a_404()
    {
        await Site.AddCampaignAsync("secret-draft", CampaignState.Draft);
        var browser = Site.Browser();

        foreach (var path in new[] { "/c/secret-draft", "/c/no-such-campaign", "/c/secret-draft.json", "/c/no-such-campaign.json" })
        {
            var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var page = await (await browser.GetAsync("/c/no-such-campaign")).Content.ReadAsStringAsync();
        Assert.Contains("Page not found", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_store_a_pending_signature_and_count_it_only_after_confirmation_by_POST()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();

        var signed = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign));
        Assert.Equal(HttpStatusCode.Redirect, signed.StatusCode);
        Assert.Equal($"/c/{campaign.Slug}/check-email", signed.Headers.Location?.OriginalString);
        Assert.Contains("Check your email", await browser.GetStringAsync(signed.Headers.Location!.OriginalString), StringComparison.Ordinal);

        var signature = await Site.QueryAsync(db => db.Signatures.SingleAsync());
        Assert.Equal(SignatureState.Pending, signature.State);
        Assert.Equal(0, await CountAsync(campaign.Slug));

        var email = Assert.Single(await Site.Mailbox.EmailsAsync(1));
        Assert.Equal("amal.haddad@example.org", email.To.Mailboxes.Single().Address);
        var link = Mailbox.ConfirmationPath(email);

        // Opening the link (as a mail scanner would) changes nothing.
        var opened = await browser.GetStringAsync(link);
        Assert.Contains("Confirm my signature", opened, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(campaign.Slug));

        var confirmed = await FormFiller.PostAsync(browser, link, []);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal($"/c/{campaign.Slug}/thanks", confirmed.Headers.Location?.OriginalString);
        var thanks = await browser.GetStringAsync(confirmed.Headers.Location!.OriginalString);
        Assert.Contains("your signature is confirmed", thanks, StringComparison.Ordinal);
        Assert.Contains("https://countersign.test/c/stop-the-cameras", thanks, StringComparison.Ordinal);

        Assert.Equal(1, await CountAsync(campaign.Slug));
        var stored = await Site.QueryAsync(db => db.Signatures.SingleAsync());
        Assert.Equal(SignatureState.Confirmed, stored.State);
        Assert.True(stored.ShowNamePublicly);
        var cipher = await Site.Services.GetRequiredService<CampaignKeys>().ForCampaignAsync(campaign.Id);
        Assert.Equal("Amal Haddad", cipher.DecryptString(stored.NameCiphertext));
        Assert.Equal(campaign.Hosts.Select(h => h.Id).Order(), stored.UpdatesFromHostIds.Order());
    }

    [Fact]
    public async Task Should_never_count_the_same_person_twice_and_show_the_same_page()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign, email: "Amal.Haddad@gmail.com"));
        var link = Mailbox.ConfirmationPath(Assert.Single(await Site.Mailbox.EmailsAsync(1)));
        await FormFiller.PostAsync(browser, link, []);
        Assert.Equal(1, await CountAsync(campaign.Slug));

        var again = await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", Form(campaign, email: " amalhaddad+petitions@googlemail.com "));
        var stranger = await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", Form(campaign, email: "someone.else@example.org"));

        // Same status and destination whether or not the address had signed.
        Assert.Equal(stranger.StatusCode, again.StatusCode);
        Assert.Equal(stranger.Headers.Location, again.Headers.Location);
        Assert.Equal(2, await Site.QueryAsync(db => db.Signatures.CountAsync()));
        Assert.Equal(1, await CountAsync(campaign.Slug));

        var emails = await Site.Mailbox.EmailsAsync(3);
        var alreadySigned = Assert.Single(emails, e => (e.Subject ?? "").StartsWith("You have already signed", StringComparison.Ordinal));
        Assert.Equal("amalhaddad+petitions@googlemail.com", alreadySigned.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Should_count_a_tagged_address_at_a_service_that_ignores_tags_once_and_write_to_each_address_as_typed()
    {
        var campaign = await Site.AddCampaignAsync();
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", Form(campaign, email: "Amal.Haddad+Petitions@Proton.me"));
        var confirmation = Assert.Single(await Site.Mailbox.EmailsAsync(1));
        Assert.Equal("Amal.Haddad+Petitions@Proton.me", confirmation.To.Mailboxes.Single().Address);
        await FormFiller.PostAsync(Site.Browser(), Mailbox.ConfirmationPath(confirmation), []);

        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", Form(campaign, email: "amal.haddad@proton.me"));
        var alreadySigned = Assert.Single(await Site.Mailbox.EmailsAsync(2), e => (e.Subject ?? "").StartsWith("You have already signed", StringComparison.Ordinal));
        Assert.Equal("amal.haddad@proton.me", alreadySigned.To.Mailboxes.Single().Address);
        Assert.Equal(1, await CountAsync(campaign.Slug));
    }

    [Fact]
    public async Task Should_resend_the_same_link_to_a_pending_signer_and_a_fresh_one_near_expiry()
    {
        var campaign = await Site.AddCampaignAsync();
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", Form(campaign));
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", Form(campaign, email: "AMAL.HADDAD@example.org"));
        var emails = await Site.Mailbox.EmailsAsync(2);
        var firstLink = Mailbox.ConfirmationPath(emails[0]);

        // A double click or a second try sends the same link: no email in the inbox is dead.
        Assert.Equal(firstLink, Mailbox.ConfirmationPath(emails[1]));

        Site.Clock.Advance(TimeSpan.FromDays(6.5));
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", Form(campaign));
        var freshLink = Mailbox.ConfirmationPath((await Site.Mailbox.EmailsAsync(3))[2]);
        Assert.NotEqual(firstLink, freshLink);
        Assert.Equal(1, await Site.QueryAsync(db => db.Signatures.CountAsync()));

        var browser = Site.Browser();
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(firstLink)).StatusCode);
        Site.Clock.Advance(TimeSpan.FromDays(6));
        await FormFiller.PostAsync(browser, freshLink, []);
        Assert.Equal(1, await CountAsync(campaign.Slug));
    }

    [Theory]
    [InlineData("Input.Name", "", "Enter your name.")]
    [InlineData("Input.Name", "   ", "Enter your name.")]
    [InlineData("Input.Email", "not-an-email", "Enter an email address like name@example.org.")]
    [InlineData("Input.Email", "two@@example.org", "Enter an email address like name@example.org.")]
    [InlineData("Input.Country", "XX", "Choose your country from the list.")]
    [InlineData("Input.Country", "", "Choose your country from the list.")]
    [InlineData("Input.ShowName", "maybe", "Choose whether your first name and initial may be shown with the latest signers.")]
    [InlineData("Input.Postcode", "<script>", "A postcode has at most 16 letters, digits, spaces or hyphens.")]
    public async Task Should_return_the_form_with_a_clear_message_and_the_typed_values(string field, string value, string message)
    {
        var campaign = await Site.AddCampaignAsync();
        var form = Form(campaign);
        form[field] = value;

        var response = await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(message, html, StringComparison.Ordinal);
        if (field != "Input.Name")
        {
            Assert.Contains("value=\"Amal Haddad\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(0, await Site.QueryAsync(db => db.Signatures.CountAsync()));
        Assert.Equal(0, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task Should_refuse_a_name_over_100_characters_and_a_missing_host_choice()
    {
        var campaign = await Site.AddCampaignAsync();
        var form = Form(campaign, name: new string('a', 101));
        form.Remove($"Input.HostUpdates[{campaign.Hosts[0].Id}]");

        var response = await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", form);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Your name must be 100 characters or fewer.", html, StringComparison.Ordinal);
        Assert.Contains("Choose whether this organisation may email you updates.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"amal.haddad@example.org\"", html, StringComparison.Ordinal);
        Assert.Equal(0, await Site.QueryAsync(db => db.Signatures.CountAsync()));
    }

    [Fact]
    public async Task Should_publish_a_json_twin_read_from_the_counters()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign, country: "PS"));
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign, email: "second@example.org", country: "PS"));
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign, email: "third@example.org", country: "IE"));
        foreach (var email in await Site.Mailbox.EmailsAsync(3))
        {
            await FormFiller.PostAsync(browser, Mailbox.ConfirmationPath(email), []);
        }

        var response = await browser.GetAsync($"/c/{campaign.Slug}.json");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;

        Assert.Equal(campaign.Slug, root.GetProperty("slug").GetString());
        Assert.Equal("open", root.GetProperty("state").GetString());
        Assert.Equal(1000, root.GetProperty("goal").GetInt32());
        Assert.Equal(campaign.Deadline!.Value.ToString("yyyy-MM-dd"), root.GetProperty("deadline").GetString());
        Assert.Equal(3, root.GetProperty("signature_count").GetInt32());
        // Two signers in one country, one in another: too few to name either country (the figures page's rule).
        Assert.Empty(root.GetProperty("signatures_by_country").EnumerateArray());
        Assert.Equal(3, root.GetProperty("signatures_in_other_countries").GetInt32());
        var day = Assert.Single(root.GetProperty("signatures_by_day").EnumerateArray());
        Assert.Equal(3, day.GetProperty("signature_count").GetInt32());
        Assert.True(root.TryGetProperty("created_at", out _));
        Assert.True(root.TryGetProperty("updated_at", out _));

        // The counters agree with the rows they summarise.
        Assert.Equal(3, await Site.QueryAsync(db => db.Signatures.CountAsync(s => s.State == SignatureState.Confirmed)));
    }

    [Fact]
    public async Task Should_refuse_an_expired_link_and_count_nothing()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign));
        var link = Mailbox.ConfirmationPath((await Site.Mailbox.EmailsAsync(1))[0]);
        var page = await browser.GetStringAsync(link);

        Site.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var response = await browser.PostAsync(link, new FormUrlEncodedContent([new("__RequestVerificationToken", FormFiller.AntiforgeryToken(page))]));

        Assert.Equal(HttpStatusCode.Gone, response.StatusCode);
        Assert.Contains("This link has expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(campaign.Slug));
        Assert.Equal(SignatureState.Pending, (await Site.QueryAsync(db => db.Signatures.SingleAsync())).State);
    }

    [Fact]
    public async Task Should_answer_a_reused_or_unknown_link_with_a_clear_page_and_change_nothing()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign));
        var link = Mailbox.ConfirmationPath((await Site.Mailbox.EmailsAsync(1))[0]);
        await FormFiller.PostAsync(browser, link, []);

        // The link's page no longer has a form, so the token comes from the campaign page, as a replayed POST would.
        var token = await FormFiller.AntiforgeryTokenAsync(browser, $"/c/{campaign.Slug}");
        var reused = await browser.PostAsync(link, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains("already confirmed", await reused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync(campaign.Slug));

        var unknown = await browser.GetAsync("/confirm/" + new string('A', 43));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("This link is not valid", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync("/confirm/short")).StatusCode);
    }

    [Fact]
    public async Task Should_store_one_signature_and_count_it_once_when_100_gmail_variants_race()
    {
        var campaign = await Site.AddCampaignAsync();

        // 100 spellings of one Gmail address (dots, +tags, capitals, googlemail.com), each form
        // loaded and its proof of work solved first, then all sent at the same moment.
        var variants = Enumerable.Range(0, 100).Select(i => (i % 4) switch
        {
            0 => $"race.signer+{i}@gmail.com",
            1 => $"R.a.C.e.Signer@GMAIL.com",
            2 => $"racesigner+x{i}@googlemail.com",
            _ => $"{"racesigner".Insert(1 + (i % 8), ".")}@gmail.com",
        }).ToList();
        var ready = new List<(HttpClient Browser, List<KeyValuePair<string, string>> Form)>();
        foreach (var email in variants)
        {
            var signer = Site.Browser();
            ready.Add((signer, await FormFiller.CompleteAsync(signer, $"/c/{campaign.Slug}", Form(campaign, email: email))));
        }

        var responses = await Task.WhenAll(ready.Select(r => r.Browser.PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent(r.Form))));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Redirect, response.StatusCode));
        Assert.Equal(1, await Site.QueryAsync(db => db.Signatures.CountAsync()));

        // One confirmation, and the link once more for someone signing again: not one email per try,
        // however the writer batched them.
        Assert.Equal(2, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
        var emails = await Site.Mailbox.EmailsAsync(2);
        Assert.Equal(Mailbox.ConfirmationPath(emails[0]), Mailbox.ConfirmationPath(emails[1]));
        var link = Mailbox.ConfirmationPath(emails[1]);
        var browser = Site.Browser();
        var token = await FormFiller.AntiforgeryTokenAsync(browser, link);
        var confirmations = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ =>
            browser.PostAsync(link, new FormUrlEncodedContent([new("__RequestVerificationToken", token)]))));

        Assert.All(confirmations, response => Assert.True((int)response.StatusCode < 400, $"Got {response.StatusCode}"));
        Assert.Equal(1, await CountAsync(campaign.Slug));
        Assert.Equal(1, await Site.QueryAsync(db => db.CountryCounts.SumAsync(c => c.Count)));
        Assert.Equal(1, await Site.QueryAsync(db => db.DayCounts.SumAsync(c => c.Count)));
    }

    [Fact]
    public async Task Should_keep_emails_names_and_postcodes_encrypted_at_rest()
    {
        var campaign = await Site.AddCampaignAsync();
        await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", Form(campaign, name: "Zorblax Quux", email: "zorblax.marker@example.org", postcode: "QX99 7ZZ", showName: "no"));
        await Site.Mailbox.EmailsAsync(1);

        var signature = await Site.QueryAsync(db => db.Signatures.SingleAsync());
        var stored = System.Text.Encoding.UTF8.GetString([.. signature.EmailCiphertext, .. signature.NameCiphertext, .. signature.PostcodeCiphertext!]);
        Assert.DoesNotContain("zorblax", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("QX99", stored, StringComparison.Ordinal);
        Assert.False(signature.ShowNamePublicly);
        // The .eml file is written a moment before the worker records the message as sent.
        await TestSite.WaitUntilAsync(async () => (await Site.QueryAsync(db => db.OutboxMessages.SingleAsync())).SentAt is not null, "the email is recorded as sent");
        var outbox = await Site.QueryAsync(db => db.OutboxMessages.SingleAsync());
        Assert.Null(outbox.MessageCiphertext);
    }

    [Fact]
    public async Task Should_never_write_personal_data_to_the_logs()
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign, name: "Quillon Marker", email: "quillon.marker@example.org", postcode: "QM1 1QM"));
        var link = Mailbox.ConfirmationPath((await Site.Mailbox.EmailsAsync(1))[0]);
        await FormFiller.PostAsync(browser, link, []);
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", Form(campaign, name: "Quillon Marker", email: "quillon.marker@example.org", postcode: "QM1 1QM"));
        await Site.Mailbox.EmailsAsync(2);
        var bad = Form(campaign, name: "Quillon Marker", email: "quillon.marker@@example.org", postcode: "QM1 1QM");
        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", bad);

        Assert.NotEmpty(Site.Logs.Lines);
        // Personal data appears at no level at all, even with tracing on.
        foreach (var marker in new[] { "Quillon", "quillon.marker", "QM1 1QM" })
        {
            var leak = Site.Logs.Lines.FirstOrDefault(line => line.Contains(marker, StringComparison.OrdinalIgnoreCase));
            Assert.True(leak is null, $"'{marker}' appears in the log line: {leak}");
        }

        // Confirmation tokens stay out of the levels a production site logs (framework debug output names request paths).
        var token = link["/confirm/".Length..];
        var tokenLeak = Site.Logs.Lines.FirstOrDefault(line => !line.StartsWith("Debug", StringComparison.Ordinal) && !line.StartsWith("Trace", StringComparison.Ordinal)
            && line.Contains(token, StringComparison.Ordinal));
        Assert.True(tokenLeak is null, $"The confirmation token appears in the log line: {tokenLeak}");
    }
}

public sealed class SigningOnSqlite() : SigningTests(DatabaseProvider.Sqlite);

public sealed class SigningOnPostgres() : SigningTests(DatabaseProvider.Postgres);
