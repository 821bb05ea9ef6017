using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Letters;
using Countersign.Privacy;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Letters;

/// <summary>
/// Amal's society proves its domain with a DNS TXT record, looked up on a real DNS server (dnsmasq) on loopback: the
/// page behind the link in her emails says which record, checks it, and says what it found when it does not match.
/// The mark reaches the letter and its JSON only once the organisers approve. On SQLite and PostgreSQL.
/// </summary>
public abstract partial class DomainProofTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Website = "https://www.scientists.example/about";
    private const string RecordName = "_countersign.scientists.example";
    private const string ContactEmail = "amal.haddad@scientists.example";

    private DnsServer Dns { get; set; } = null!;

    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Dns = await DnsServer.StartAsync();
        Site = await TestSite.StartAsync(provider, settings =>
        {
            settings["Letters:DnsServers:0"] = Dns.EndPoint;
            settings["Letters:DnsTimeoutSeconds"] = "2";
        });
    }

    public async Task DisposeAsync()
    {
        await Site.DisposeAsync();
        await Dns.DisposeAsync();
    }

    private PersonalDataProtector Protector => Site.Services.GetRequiredService<PersonalDataProtector>();

    /// <summary>A co-signature in <paramref name="state"/> of the organisation at <see cref="Website"/>.</summary>
    private async Task<long> SignatoryAsync(Campaign campaign, string state, string name = "Society of Scientists")
    {
        var id = await TestSignatories.AddAsync(Site, campaign, state, name);
        await Site.QueryAsync(db => db.CoSignatures.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Website, Website)));
        return id;
    }

    private string DomainPath(long id) => "/letters/domain/" + CoSignatureLink.DomainProof.Create(Protector, id);

    private DomainRecord RecordOf(long id) => DomainProof.RecordFor(Protector, id, Website)!;

    private Task<DateTime?> ProvedAtAsync(long id) => Site.QueryAsync(db => db.CoSignatures.Where(s => s.Id == id).Select(s => s.DnsVerifiedAt).SingleAsync());

    private static async Task<string> TextOf(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

    private static string PathIn(MimeKit.MimeMessage message, string path) =>
        new Uri(LinkPattern().Matches(message.TextBody ?? "").Select(m => m.Value).First(link => link.Contains(path, StringComparison.Ordinal))).PathAndQuery;

    [Fact]
    public async Task Should_prove_the_domain_from_the_confirmed_email_and_show_the_mark_only_once_approved()
    {
        var campaign = await Site.AddCampaignAsync("no-sponsors");
        await Site.QueryAsync(async db =>
        {
            await TestSignatories.WriteLetterAsync(db, campaign);
            return 0;
        });
        var organiser = await Site.Staff.SignedInAsync("marc@example.org");
        await Site.QueryAsync(async db =>
        {
            var marc = await db.StaffUsers.Where(u => u.Email == "marc@example.org").Select(u => u.Id).SingleAsync();
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = marc, Role = StaffRoles.Organiser });
            return await db.SaveChangesAsync();
        });

        var amal = Site.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(amal, $"/c/{campaign.Slug}/letter", new Dictionary<string, string>
        {
            ["CoSign.Name"] = "Society of Scientists",
            ["CoSign.Description"] = "Scientists in 40 countries",
            ["CoSign.Members"] = "1200",
            ["CoSign.Kind"] = OrganisationKind.LearnedSociety,
            ["CoSign.Country"] = "GB",
            ["CoSign.Website"] = Website,
            ["CoSign.ContactName"] = "Amal Haddad",
            ["CoSign.ContactRole"] = "Secretary",
            ["CoSign.ContactEmail"] = ContactEmail,
            ["CoSign.Entitled"] = "true",
        })).StatusCode);
        var confirmPath = PathIn((await Site.Mailbox.EmailsAsync(1)).Single(), "/letters/confirm/");
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(amal, confirmPath, [])).StatusCode);

        // Confirmed: Amal's email and the page after the button both link to the page that proves the domain.
        var emails = await Site.Mailbox.EmailsAsync(3);
        var confirmed = emails.Single(e => (e.Subject ?? "").StartsWith("Your email address is confirmed", StringComparison.Ordinal));
        var domainPath = PathIn(confirmed, "/letters/domain/");
        Assert.Contains($"href=\"{domainPath}\"", await amal.GetStringAsync(confirmPath), StringComparison.Ordinal);

        // Marc, the organiser, is told that it waits for him: the organisation's name and his page, never its contact.
        var waiting = emails.Single(e => e.To.Mailboxes.Any(m => m.Address == "marc@example.org"));
        Assert.Equal($"An organisation waits for your decision: {campaign.Title}", waiting.Subject);
        Assert.Contains("Society of Scientists", waiting.TextBody, StringComparison.Ordinal);
        Assert.Contains($"{TestSite.PublicUrl}/staff/campaigns/{campaign.Id}/signatories", waiting.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Haddad", waiting.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain(ContactEmail, waiting.TextBody, StringComparison.Ordinal);

        // The page names the record; published, the button finds it and the page says so.
        var page = WebUtility.HtmlDecode(await amal.GetStringAsync(domainPath));
        Assert.Contains($"<dd><code>{RecordName}</code></dd>", page, StringComparison.Ordinal);
        var value = RecordValue().Match(page).Groups["value"].Value;
        Assert.StartsWith(DomainProof.ValuePrefix, value, StringComparison.Ordinal);
        await Dns.PublishAsync((RecordName, value));
        var check = await FormFiller.PostAsync(amal, domainPath, []);
        Assert.Equal(HttpStatusCode.Redirect, check.StatusCode);
        var proved = WebUtility.HtmlDecode(await amal.GetStringAsync(check.Headers.Location!.OriginalString));
        Assert.Contains("Found: the domain of Society of Scientists is verified by DNS. We have emailed you to confirm it.", proved, StringComparison.Ordinal);
        Assert.DoesNotContain("Check now", proved, StringComparison.Ordinal);

        var id = await Site.QueryAsync(db => db.CoSignatures.Select(s => s.Id).SingleAsync());
        Assert.NotNull(await ProvedAtAsync(id));
        var told = (await Site.Mailbox.EmailsAsync(4)).Single(e => (e.Subject ?? "").StartsWith("Your organisation's domain is verified", StringComparison.Ordinal));
        Assert.Contains($"We found the DNS record at {RecordName}", told.TextBody, StringComparison.Ordinal);
        var audit = await Site.QueryAsync(db => db.AuditEntries.SingleAsync(a => a.Action == AuditAction.CoSignatureDomainProved));
        Assert.Equal(campaign.Id, audit.CampaignId);
        Assert.DoesNotContain("Haddad", audit.Details ?? "", StringComparison.Ordinal);
        Assert.DoesNotContain("amal", audit.Details ?? "", StringComparison.OrdinalIgnoreCase);

        // Proved is not approved: the organisation is on no public page yet.
        var reader = Site.Browser();
        Assert.DoesNotContain("Society of Scientists", await reader.GetStringAsync($"/c/{campaign.Slug}/letter"), StringComparison.Ordinal);
        Assert.DoesNotContain("Society of Scientists", await reader.GetStringAsync($"/c/{campaign.Slug}/letter.json"), StringComparison.Ordinal);

        var staffPage = $"/staff/campaigns/{campaign.Id}/signatories";
        Assert.Contains("Domain proved by DNS record", WebUtility.HtmlDecode(await organiser.GetStringAsync(staffPage)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect,
            (await FormFiller.PostAsync(organiser, $"{staffPage}?handler=Approve", [new("coSignatureId", id.ToString(CultureInfo.InvariantCulture))])).StatusCode);

        var letter = WebUtility.HtmlDecode(await reader.GetStringAsync($"/c/{campaign.Slug}/letter"));
        Assert.Contains("Domain verified by DNS</span>", letter, StringComparison.Ordinal);
        Assert.Contains("“Domain verified by DNS” means", letter, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await reader.GetStringAsync($"/c/{campaign.Slug}/letter.json"));
        var marks = json.RootElement.GetProperty("signatories").EnumerateArray().Single().GetProperty("marks");
        Assert.True(marks.GetProperty("dns_verified").GetBoolean());
        Assert.True(marks.GetProperty("domain_verified").GetBoolean());
    }

    [Fact]
    public async Task Should_say_what_it_found_when_the_record_is_missing_wrong_elsewhere_or_unreachable()
    {
        var campaign = await Site.AddCampaignAsync("no-sponsors");
        var id = await SignatoryAsync(campaign, CoSignatureState.Verified);
        var path = DomainPath(id);
        var amal = Site.Browser();

        var missing = await FormFiller.PostAsync(amal, path, []);
        Assert.Equal(HttpStatusCode.OK, missing.StatusCode);
        Assert.Contains($"We found no TXT record at {RecordName}. If you have just published it, DNS changes can take a while", await TextOf(missing), StringComparison.Ordinal);

        // A typo at the right name, and the right value at names that are not the one asked for: none counts.
        var right = RecordOf(id).Value;
        await Dns.PublishAsync((RecordName, right[..^1] + "x"), ("_countersign.other.example", right), ("scientists.example", right), ("_countersign.www.scientists.example", right));
        var wrong = await FormFiller.PostAsync(amal, path, []);
        Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        var found = await TextOf(wrong);
        Assert.Contains($"We found TXT records at {RecordName}, but none with the value asked for.", found, StringComparison.Ordinal);
        Assert.Contains($"<li><code>{right[..^1]}x</code></li>", found, StringComparison.Ordinal);
        Assert.Contains("Check now", found, StringComparison.Ordinal);
        Assert.Null(await ProvedAtAsync(id));

        await Dns.StopAsync();
        var unreachable = await FormFiller.PostAsync(amal, path, []);
        Assert.Equal(HttpStatusCode.OK, unreachable.StatusCode);
        Assert.Contains($"We could not look up {RecordName}: the DNS did not answer in time, or answered with an error.", await TextOf(unreachable), StringComparison.Ordinal);
        Assert.Null(await ProvedAtAsync(id));
        Assert.Equal(0, await Site.QueryAsync(db => db.AuditEntries.CountAsync(a => a.Action == AuditAction.CoSignatureDomainProved)));
    }

    [Fact]
    public async Task Should_not_check_a_withdrawn_or_rejected_signature()
    {
        var campaign = await Site.AddCampaignAsync("no-sponsors");
        var withdrawn = await SignatoryAsync(campaign, CoSignatureState.Withdrawn, "Withdrawn Society");
        var rejected = await SignatoryAsync(campaign, CoSignatureState.Rejected, "Rejected Society");
        await Dns.PublishAsync((RecordName, RecordOf(withdrawn).Value));
        var amal = Site.Browser();

        foreach (var (id, says) in new[]
        {
            (withdrawn, "The signature of Withdrawn Society was withdrawn: there is no domain to prove."),
            (rejected, "The organisers did not accept the signature of Rejected Society: there is no domain to prove."),
        })
        {
            var page = WebUtility.HtmlDecode(await amal.GetStringAsync(DomainPath(id)));
            Assert.Contains(says, page, StringComparison.Ordinal);
            Assert.DoesNotContain("Check now", page, StringComparison.Ordinal);
            Assert.DoesNotContain(RecordOf(id).Value, page, StringComparison.Ordinal);

            // The page has no form: the button is posted as an old copy of the page would.
            var antiforgery = FormFiller.AntiforgeryToken(await amal.GetStringAsync($"/c/{campaign.Slug}/letter"));
            var check = await amal.PostAsync(DomainPath(id), new FormUrlEncodedContent([new("__RequestVerificationToken", antiforgery)]));
            Assert.Equal(HttpStatusCode.Conflict, check.StatusCode);
            Assert.Contains(says, await TextOf(check), StringComparison.Ordinal);
            Assert.Null(await ProvedAtAsync(id));
        }
    }

    [Fact]
    public async Task Should_not_let_one_signature_s_link_or_record_prove_another_nor_answer_odd_links()
    {
        var campaign = await Site.AddCampaignAsync("no-sponsors");
        var first = await SignatoryAsync(campaign, CoSignatureState.Verified, "Society of Scientists");
        var second = await SignatoryAsync(campaign, CoSignatureState.Approved, "Scientists' Union");
        Assert.NotEqual(RecordOf(first).Value, RecordOf(second).Value);
        await Dns.PublishAsync((RecordName, RecordOf(second).Value));
        var amal = Site.Browser();

        var check = await FormFiller.PostAsync(amal, DomainPath(first), []);
        Assert.Contains("but none with the value asked for", await TextOf(check), StringComparison.Ordinal);
        Assert.Null(await ProvedAtAsync(first));
        Assert.Null(await ProvedAtAsync(second));

        // The withdrawal link is sealed for its own page, and a link changed by one character is no link at all.
        var token = CoSignatureLink.DomainProof.Create(Protector, first);
        var tampered = (token[0] == 'A' ? "B" : "A") + token[1..];
        var antiforgery = FormFiller.AntiforgeryToken(await amal.GetStringAsync(DomainPath(first)));
        foreach (var odd in new[]
        {
            "/letters/domain/" + CoSignatureLink.Withdrawal.Create(Protector, second), "/letters/domain/" + tampered, "/letters/domain/AAAA",
            "/letters/domain/%2F..%2Fstaff", $"/letters/domain/{new string('x', 3000)}", "/letters/domain/%C3%A9t%C3%A9",
        })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await amal.GetAsync(odd)).StatusCode);
            var posted = await amal.PostAsync(odd, new FormUrlEncodedContent([new("__RequestVerificationToken", antiforgery)]));
            Assert.Equal(HttpStatusCode.NotFound, posted.StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await amal.GetAsync("/letters/withdraw/" + token)).StatusCode);
        Assert.Null(await ProvedAtAsync(second));

        // The second organisation's own link proves its own domain, and only its own.
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(amal, DomainPath(second), [])).StatusCode);
        Assert.NotNull(await ProvedAtAsync(second));
        Assert.Null(await ProvedAtAsync(first));
    }

    [Fact]
    public async Task Should_make_checks_wait_longer_after_a_few_in_a_row()
    {
        var campaign = await Site.AddCampaignAsync("no-sponsors");
        var path = DomainPath(await SignatoryAsync(campaign, CoSignatureState.Verified));
        var amal = Site.Browser();
        for (var i = 0; i < DomainProof.FreeChecks; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await FormFiller.PostAsync(amal, path, [])).StatusCode);
        }

        var tooSoon = await FormFiller.PostAsync(amal, path, []);
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.StatusCode);
        Assert.Equal("1", tooSoon.Headers.GetValues("Retry-After").Single());
        Assert.Contains("You have checked several times already. Check again in 1 second", await TextOf(tooSoon), StringComparison.Ordinal);

        Site.Clock.Advance(TimeSpan.FromSeconds(2));
        var later = await FormFiller.PostAsync(amal, path, []);
        Assert.Equal(HttpStatusCode.OK, later.StatusCode);
        Assert.Contains("We found no TXT record", await TextOf(later), StringComparison.Ordinal);
    }

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();

    [GeneratedRegex("<dd><code>(?<value>countersign-verification=[0-9a-f]+)</code></dd>")]
    private static partial Regex RecordValue();
}

public sealed class DomainProofOnSqlite() : DomainProofTests(DatabaseProvider.Sqlite);

public sealed class DomainProofOnPostgres() : DomainProofTests(DatabaseProvider.Postgres);
