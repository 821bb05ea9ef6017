using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Letters;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Letters;

/// <summary>
/// An organisation co-signs a campaign's open letter through the pages, as its secretary would: the form, the email,
/// the confirmation button, the organisers' approval, the letter and its JSON, and withdrawal. On SQLite and PostgreSQL.
/// </summary>
public abstract partial class LetterPagesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string ContactEmail = "amal.haddad@scientists.example.org";

    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private async Task<Campaign> CampaignWithLetterAsync(string slug = "no-sponsors", string state = CampaignState.Open)
    {
        var campaign = await Site.AddCampaignAsync(slug, state);
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c
            .SetProperty(x => x.LetterMarkdown, "We ask the conference to **drop** its sponsor.")
            .SetProperty(x => x.LetterAddressees, "The conference's organisers")));
        return campaign;
    }

    private static Dictionary<string, string> CoSignForm(string name = "Society of Scientists", string members = "1 200") => new()
    {
        ["CoSign.Name"] = name,
        ["CoSign.Description"] = "Scientists in 40 countries",
        ["CoSign.Members"] = members,
        ["CoSign.Kind"] = OrganisationKind.LearnedSociety,
        ["CoSign.Country"] = "GB",
        ["CoSign.Website"] = "https://scientists.example.org",
        ["CoSign.ContactName"] = "Amal Haddad",
        ["CoSign.ContactRole"] = "Secretary",
        ["CoSign.ContactEmail"] = ContactEmail,
        ["CoSign.Entitled"] = "true",
    };

    private static string PathIn(MimeKit.MimeMessage message, string path) =>
        new Uri(LinkPattern().Matches(message.TextBody ?? "").Select(m => m.Value).First(link => link.Contains(path, StringComparison.Ordinal))).PathAndQuery;

    [Fact]
    public async Task Should_take_a_co_signature_through_the_pages_and_list_it_only_once_approved_until_withdrawn()
    {
        var campaign = await CampaignWithLetterAsync();
        var browser = Site.Browser();

        var posted = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}/letter", CoSignForm());
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/c/{campaign.Slug}/letter/check-email", posted.Headers.Location?.OriginalString.Split('#')[0]);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"/c/{campaign.Slug}/letter/check-email")).StatusCode);

        var confirmation = (await Site.Mailbox.EmailsAsync(1)).Single();
        var confirmPath = PathIn(confirmation, "/letters/confirm/");
        var reader = Site.Browser();
        Assert.Contains("Confirm the signature", await reader.GetStringAsync(confirmPath), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(reader, confirmPath, [])).StatusCode);
        Assert.Contains("now waits for the campaign's organisers", WebUtility.HtmlDecode(await reader.GetStringAsync(confirmPath)), StringComparison.Ordinal);
        await Site.Mailbox.EmailsAsync(2);

        // Confirmed is not approved: neither the page nor the JSON names the organisation yet.
        Assert.DoesNotContain("Society of Scientists", await reader.GetStringAsync($"/c/{campaign.Slug}/letter"), StringComparison.Ordinal);
        Assert.DoesNotContain("Society of Scientists", await reader.GetStringAsync($"/c/{campaign.Slug}/letter.json"), StringComparison.Ordinal);

        await Site.QueryAsync(db => db.CoSignatures.ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CoSignatureState.Approved)));
        var page = WebUtility.HtmlDecode(await reader.GetStringAsync($"/c/{campaign.Slug}/letter"));
        Assert.Contains("Society of Scientists", page, StringComparison.Ordinal);
        Assert.Contains("1 organisation in 1 country, representing about 1,200 members", page, StringComparison.Ordinal);
        Assert.Contains("Domain verified", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Haddad", page, StringComparison.Ordinal);
        var json = await reader.GetStringAsync($"/c/{campaign.Slug}/letter.json");
        using (var document = JsonDocument.Parse(json))
        {
            var signatory = document.RootElement.GetProperty("signatories").EnumerateArray().Single();
            Assert.Equal(("Society of Scientists", 1200, true), (signatory.GetProperty("name").GetString(), signatory.GetProperty("members").GetInt32(),
                signatory.GetProperty("marks").GetProperty("domain_verified").GetBoolean()));
            Assert.Equal(document.RootElement.GetProperty("text").GetProperty("sha256").GetString(), signatory.GetProperty("version_sha256").GetString());
        }

        Assert.DoesNotContain(ContactEmail, json, StringComparison.Ordinal);
        Assert.DoesNotContain("Haddad", json, StringComparison.Ordinal);

        // The withdrawal link in the first email works: a page with a button, then gone from page and JSON at once.
        var withdrawPath = PathIn(confirmation, "/letters/withdraw/");
        Assert.Contains("Withdraw the signature", await reader.GetStringAsync(withdrawPath), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(reader, withdrawPath, [])).StatusCode);
        Assert.DoesNotContain("Society of Scientists", await reader.GetStringAsync($"/c/{campaign.Slug}/letter"), StringComparison.Ordinal);
        Assert.DoesNotContain("Society of Scientists", await reader.GetStringAsync($"/c/{campaign.Slug}/letter.json"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_odd_addresses_links_and_input_with_clear_errors()
    {
        var campaign = await CampaignWithLetterAsync();
        var withoutLetter = await Site.AddCampaignAsync("no-letter");
        var draft = await CampaignWithLetterAsync("draft-letter", CampaignState.Draft);
        var browser = Site.Browser();

        foreach (var path in new[] { "/c/unknown/letter", $"/c/{withoutLetter.Slug}/letter", $"/c/{draft.Slug}/letter", $"/c/{withoutLetter.Slug}/letter.json",
            "/letters/confirm/not-a-token", "/letters/withdraw/AAAA", "/letters/withdraw/%2F..%2Fstaff", $"/letters/withdraw/{new string('x', 3000)}" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(path)).StatusCode);
        }

        // Huge or nonsensical fields come back as problems to fix, with what was typed kept.
        var form = CoSignForm(name: new string('n', 10_000), members: "-3");
        form["CoSign.Parent"] = "[object Object]";
        form["CoSign.Kind"] = "<script>";
        var refused = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}/letter", form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains("The name must be 200 characters or fewer.", html, StringComparison.Ordinal);
        Assert.Contains("Enter the number of members as a whole number", html, StringComparison.Ordinal);
        Assert.Contains("Choose what kind of organisation it is.", html, StringComparison.Ordinal);
        Assert.Contains("Choose the parent organisation from the list, or none.", html, StringComparison.Ordinal);
        Assert.Contains(ContactEmail, html, StringComparison.Ordinal);
        Assert.Equal(0, await Site.QueryAsync(db => db.CoSignatures.CountAsync()));
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}

public sealed class LetterPagesOnSqlite() : LetterPagesTests(DatabaseProvider.Sqlite);

public sealed class LetterPagesOnPostgres() : LetterPagesTests(DatabaseProvider.Postgres);
