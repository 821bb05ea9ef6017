using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// A coalition of three partners runs a campaign: each exports exactly the supporters who opted in to it, speaks for
/// itself alone, is credited with whom its link brought, keeps its own line and logo, and may leave.
/// </summary>
public abstract class CoalitionTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private const string Watch = "Station Watch";
    private const string Rights = "Digital Rights Group";
    private const string Union = "Transit Workers Union";

    [Fact]
    public async Task Should_give_each_of_three_partners_exactly_the_supporters_who_opted_in_to_it()
    {
        var (campaign, partners, organiser) = await CoalitionAsync();
        var opted = new Dictionary<string, string[]>
        {
            ["both-watch-rights@example.org"] = [Watch, Rights],
            ["both-rights-union@example.org"] = [Rights, Union],
            ["both-watch-union@example.org"] = [Watch, Union],
            ["all-three@example.org"] = [Watch, Rights, Union],
            ["none@example.org"] = [],
            ["only-union@example.org"] = [Union],
        };
        var signer = 0;
        foreach (var (email, yes) in opted)
        {
            await SignAsync(campaign, email, yes, ++signer);
        }

        // Opted in to everyone but never confirmed: on nobody's list.
        await SignAsync(campaign, "never-confirmed@example.org", [Watch, Rights, Union], ++signer, confirm: false);

        foreach (var host in new[] { Watch, Rights, Union })
        {
            var expected = opted.Where(o => o.Value.Contains(host)).Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(expected, await ExportedEmailsAsync(partners[host], campaign, HostId(campaign, host)));
            Assert.Equal(expected, await ExportedEmailsAsync(organiser, campaign, HostId(campaign, host)));
        }

        // Each download is in the log with its number of rows, before a row left.
        var audit = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.SupportersExported).Select(e => e.Details).ToListAsync());
        Assert.Equal(2, audit.Count(d => d == $"3 supporters of {Watch}"));
        Assert.Equal(2, audit.Count(d => d == $"4 supporters of {Union}"));

        // The page says how many rows each list holds before it is downloaded.
        var page = WebUtility.HtmlDecode(await partners[Union].GetStringAsync($"/staff/campaigns/{campaign.Id}/supporters"));
        Assert.Contains("Download the list (CSV, 4 rows)", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_partner_every_other_hosts_routes_and_another_campaigns_whatever_the_spelling_of_the_id()
    {
        var (campaign, partners, _) = await CoalitionAsync();
        var other = await Site.AddCampaignAsync("another-cause", hosts: ["Elsewhere Collective"]);
        var watch = partners[Watch];
        var rights = HostId(campaign, Rights);
        var elsewhere = other.Hosts[0].Id;
        var before = await Site.QueryAsync(db => db.CampaignHosts.AsNoTracking().OrderBy(h => h.Id).Select(h => new { h.Id, h.Description, h.LeftAt, h.LogoToken }).ToListAsync());

        var spellings = new List<string>();
        foreach (var id in new[] { rights, elsewhere })
        {
            var digits = id.ToString(CultureInfo.InvariantCulture);
            spellings.AddRange([digits, $"0{digits}", $"+{digits}", $" {digits}", $"{digits} ", $"{digits}.0", $"0x{id:x}",
                string.Concat(digits.Select(d => (char)('\uFF10' + (d - '0')))), (4294967296L + id).ToString(CultureInfo.InvariantCulture), $"{digits}&hostId={HostId(campaign, Watch)}"]);
        }

        var answered = new List<string>();
        foreach (var spelling in spellings)
        {
            foreach (var (handler, extra) in new (string, KeyValuePair<string, string>[])[]
            {
                ("Describe", [new("description", "Taken over")]), ("RemoveLogo", []), ("Leave", [new("confirmed", "true")]),
            })
            {
                var posted = await FormFiller.PostAsync(watch, $"/staff/campaigns/{campaign.Id}/partners?handler={handler}", [new("hostId", spelling), .. extra]);
                if (posted.StatusCode != HttpStatusCode.NotFound)
                {
                    answered.Add($"{handler} {spelling}: {(int)posted.StatusCode}");
                }
            }

            var exported = await FormFiller.PostAsync(watch, $"/staff/campaigns/{campaign.Id}/supporters?handler=Export", [new("hostId", spelling)]);
            if (exported.StatusCode != HttpStatusCode.NotFound)
            {
                answered.Add($"Export {spelling}: {(int)exported.StatusCode}");
            }

            using var logo = LogoForm(await FormFiller.AntiforgeryTokenAsync(watch, $"/staff/campaigns/{campaign.Id}/partners"), spelling, TestPictures.Halves(200, 100, SkiaSharp.SKEncodedImageFormat.Png));
            var uploaded = await watch.PostAsync($"/staff/campaigns/{campaign.Id}/partners?handler=Logo", logo);
            if (uploaded.StatusCode != HttpStatusCode.NotFound)
            {
                answered.Add($"Logo {spelling}: {(int)uploaded.StatusCode}");
            }
        }

        Assert.Empty(answered);

        // Another campaign's partner pages are closed to it altogether (the campaign role filter's 403).
        foreach (var path in new[] { $"/staff/campaigns/{other.Id}/partners", $"/staff/campaigns/{other.Id}/supporters" })
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await watch.GetAsync(path)).StatusCode);
        }

        // Its own page shows its own organisation alone.
        var page = WebUtility.HtmlDecode(await watch.GetStringAsync($"/staff/campaigns/{campaign.Id}/partners"));
        Assert.Contains(Watch, page, StringComparison.Ordinal);
        Assert.DoesNotContain(Rights, page, StringComparison.Ordinal);
        Assert.DoesNotContain(Union, page, StringComparison.Ordinal);

        var after = await Site.QueryAsync(db => db.CampaignHosts.AsNoTracking().OrderBy(h => h.Id).Select(h => new { h.Id, h.Description, h.LeftAt, h.LogoToken }).ToListAsync());
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Should_give_a_partner_that_left_no_new_opt_ins_and_take_its_name_off_the_page()
    {
        var (campaign, partners, _) = await CoalitionAsync();
        var watch = HostId(campaign, Watch);
        await SignAsync(campaign, "before@example.org", [Watch, Rights], 1);
        Site.Clock.Advance(TimeSpan.FromMinutes(5));

        var unconfirmed = await FormFiller.PostAsync(partners[Watch], $"/staff/campaigns/{campaign.Id}/partners?handler=Leave", [new("hostId", Id(watch))]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.StatusCode);
        Assert.Contains("Tick the box to confirm", WebUtility.HtmlDecode(await unconfirmed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var left = await FormFiller.PostAsync(partners[Watch], $"/staff/campaigns/{campaign.Id}/partners?handler=Leave", [new("hostId", Id(watch)), new("confirmed", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, left.StatusCode);
        Assert.Equal(Watch, await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.PartnerLeft).Select(e => e.Details).SingleAsync()));
        Site.Clock.Advance(TimeSpan.FromMinutes(5));

        // Off the page, its JSON and its form; the others stay.
        var reader = Site.Browser();
        var html = WebUtility.HtmlDecode(await reader.GetStringAsync($"/c/{campaign.Slug}"));
        Assert.DoesNotContain(Watch, html, StringComparison.Ordinal);
        Assert.DoesNotContain($"Input.HostUpdates[{watch}]", html, StringComparison.Ordinal);
        Assert.Contains(Rights, html, StringComparison.Ordinal);
        Assert.Contains("under its own privacy policy", html, StringComparison.Ordinal);
        var json = await reader.GetStringAsync($"/c/{campaign.Slug}.json");
        Assert.DoesNotContain(Watch, json, StringComparison.Ordinal);
        Assert.Contains(Rights, json, StringComparison.Ordinal);

        // A forged form saying yes to it is taken, without the consent.
        var form = SigningTests.Form(campaign, email: "after@example.org");
        await FormFiller.PostAsync(Site.Browser(IPAddress.Parse("10.9.0.1")), $"/c/{campaign.Slug}", form);
        await ConfirmAsync("after@example.org");
        var consents = await Site.QueryAsync(db => db.Signatures.Where(s => s.CampaignId == campaign.Id).OrderBy(s => s.Id).Select(s => s.UpdatesFromHostIds).ToListAsync());
        Assert.Equal(2, consents.Count);
        Assert.DoesNotContain(watch, consents[1]);
        Assert.Contains(HostId(campaign, Rights), consents[1]);

        // Its staff keep the list it received before leaving, and nothing newer.
        Assert.Equal(["before@example.org"], await ExportedEmailsAsync(partners[Watch], campaign, watch));
        Assert.Equal(["after@example.org", "before@example.org"], await ExportedEmailsAsync(partners[Rights], campaign, HostId(campaign, Rights)));

        // Nothing of it changes any more, and the page says it left.
        var described = await FormFiller.PostAsync(partners[Watch], $"/staff/campaigns/{campaign.Id}/partners?handler=Describe", [new("hostId", Id(watch)), new("description", "Back again")]);
        Assert.Equal(HttpStatusCode.Conflict, described.StatusCode);
        Assert.Contains("Left the coalition on", WebUtility.HtmlDecode(await partners[Watch].GetStringAsync($"/staff/campaigns/{campaign.Id}/partners")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_credit_each_partner_with_the_signatures_its_own_link_brought()
    {
        var (campaign, partners, organiser) = await CoalitionAsync();
        var rights = HostId(campaign, Rights);
        var page = await Site.Browser().GetStringAsync($"/c/{campaign.Slug}?via=p{rights}");
        Assert.Contains($"value=\"p{rights}\"", page, StringComparison.Ordinal);

        // Unknown, misspelled and other campaigns' codes are dropped as if absent.
        var other = await Site.AddCampaignAsync("another-cause", hosts: ["Elsewhere Collective"]);
        foreach (var via in new[] { $"p0{rights}", $"P{rights}", $"p{rights}x", $"p{other.Hosts[0].Id}", "p99999", "p", $"p+{rights}", $"p{rights}%00" })
        {
            Assert.DoesNotContain("name=\"Input.Via\"", await Site.Browser().GetStringAsync($"/c/{campaign.Slug}?via={via}"), StringComparison.Ordinal);
        }

        await SignAsync(campaign, "through-rights@example.org", [Rights], 1, via: $"p{rights}");
        await SignAsync(campaign, "also-through-rights@example.org", [], 2, via: $"p{rights}");
        await SignAsync(campaign, "pending-through-rights@example.org", [Rights], 3, via: $"p{rights}", confirm: false);
        await SignAsync(campaign, "forged-code@example.org", [Rights], 4, via: $"p{other.Hosts[0].Id}");
        await SignAsync(campaign, "whatsapp@example.org", [], 5, via: Referral.WhatsApp);

        var credited = await Site.QueryAsync(db => db.Signatures.Where(s => s.CampaignId == campaign.Id).OrderBy(s => s.Id).Select(s => new { s.ReferredByHostId, s.Referral }).ToListAsync());
        Assert.Equal([rights, rights, rights, null, null], credited.Select(c => c.ReferredByHostId));
        Assert.Equal(Referral.WhatsApp, credited[^1].Referral);

        var credit = await Site.QueryAsync(db => new CoalitionPartners(db, null!, null!, TimeProvider.System)
            .CreditAsync(campaign.Id, db.CampaignHosts.Where(h => h.CampaignId == campaign.Id).ToList(), default));
        Assert.Equal(new PartnerCredit(3, 2, 2, 2), credit[rights]);
        Assert.Equal(new PartnerCredit(0, 0, 0, 0), credit[HostId(campaign, Watch)]);

        // The partner sees its own link and credit; organisers see everyone's.
        var own = new HtmlParser().ParseDocument(await partners[Rights].GetStringAsync($"/staff/campaigns/{campaign.Id}/partners"));
        Assert.Equal($"{TestSite.PublicUrl}/c/{campaign.Slug}?via=p{rights}", own.QuerySelector($"#host-{rights}-link")!.GetAttribute("value"));
        Assert.Equal(["3", "2", "2", "2"], own.QuerySelectorAll($"section[aria-labelledby='host-{rights}-heading'] dl.figures dd").Select(td => td.TextContent.Trim()));
        var all = await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}/partners");
        Assert.Contains($"?via=p{HostId(campaign, Watch)}", all, StringComparison.Ordinal);
        Assert.Contains($"?via=p{HostId(campaign, Union)}", all, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_a_partners_description_and_logo_redrawn_without_its_metadata_and_refuse_a_file_that_is_no_picture()
    {
        var (campaign, partners, _) = await CoalitionAsync();
        var watch = HostId(campaign, Watch);
        var staffPage = $"/staff/campaigns/{campaign.Id}/partners";

        var tooLong = await FormFiller.PostAsync(partners[Watch], $"{staffPage}?handler=Describe", [new("hostId", Id(watch)), new("description", new string('a', 201))]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains("at most 200 characters", WebUtility.HtmlDecode(await tooLong.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(partners[Watch], $"{staffPage}?handler=Describe",
            [new("hostId", Id(watch)), new("description", "  Commuters   watching the station's cameras ")])).StatusCode);

        var text = Encoding.UTF8.GetBytes("#!/bin/sh\necho not a picture\n");
        using (var notAPicture = LogoForm(await FormFiller.AntiforgeryTokenAsync(partners[Watch], staffPage), Id(watch), text))
        {
            var refused = await partners[Watch].PostAsync($"{staffPage}?handler=Logo", notAPicture);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
            Assert.Contains("This file is not a picture we can read", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        var photo = TestPictures.WithExif(TestPictures.Halves(800, 400), 1, "Secret meeting place");
        using (var upload = LogoForm(await FormFiller.AntiforgeryTokenAsync(partners[Watch], staffPage), Id(watch), photo))
        {
            Assert.Equal(HttpStatusCode.Redirect, (await partners[Watch].PostAsync($"{staffPage}?handler=Logo", upload)).StatusCode);
        }

        var reader = Site.Browser();
        var shown = new HtmlParser().ParseDocument(await reader.GetStringAsync($"/c/{campaign.Slug}"));
        var listed = shown.QuerySelectorAll(".partners li").Single(li => li.TextContent.Contains(Watch, StringComparison.Ordinal));
        Assert.Contains("Commuters watching the station's cameras", listed.TextContent, StringComparison.Ordinal);
        var logo = listed.QuerySelector("img")!;
        var file = await reader.GetAsync(logo.GetAttribute("src"));
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/webp", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(TimeSpan.FromDays(365), file.Headers.CacheControl?.MaxAge);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.DoesNotContain("Exif", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        Assert.DoesNotContain("Secret meeting place", Encoding.Latin1.GetString(bytes), StringComparison.Ordinal);
        using (var decoded = SkiaSharp.SKBitmap.Decode(bytes))
        {
            Assert.Equal((320, 160), (decoded.Width, decoded.Height));
        }

        using var json = System.Text.Json.JsonDocument.Parse(await reader.GetStringAsync($"/c/{campaign.Slug}.json"));
        var host = json.RootElement.GetProperty("hosts").EnumerateArray().Single(h => h.GetProperty("name").GetString() == Watch);
        Assert.Equal("Commuters watching the station's cameras", host.GetProperty("description").GetString());
        Assert.EndsWith(logo.GetAttribute("src")!, host.GetProperty("logo_url").GetString()!, StringComparison.Ordinal);

        // A partner that leaves takes its logo with it.
        await FormFiller.PostAsync(partners[Watch], $"{staffPage}?handler=Leave", [new("hostId", Id(watch)), new("confirmed", "true")]);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync(logo.GetAttribute("src"))).StatusCode);
        Assert.DoesNotContain("logo_url\":\"http", await reader.GetStringAsync($"/c/{campaign.Slug}.json"), StringComparison.Ordinal);
    }

    /// <summary>An open campaign hosted by three partners, each with a member of staff, and its organiser.</summary>
    private async Task<(Campaign Campaign, Dictionary<string, HttpClient> Partners, HttpClient Organiser)> CoalitionAsync()
    {
        var campaign = await Site.AddCampaignAsync("divest-now", hosts: [Watch, Rights, Union]);
        var partners = new Dictionary<string, HttpClient>();
        foreach (var host in new[] { Watch, Rights, Union })
        {
            partners[host] = await Site.Staff.SignedInAsync($"partner{HostId(campaign, host)}@example.org");
        }

        var organiser = await Site.Staff.SignedInAsync("organiser@example.org");
        await Site.QueryAsync(async db =>
        {
            var ids = await db.StaffUsers.ToDictionaryAsync(u => u.Email!, u => u.Id);
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = ids["organiser@example.org"], Role = StaffRoles.Organiser });
            foreach (var host in campaign.Hosts)
            {
                db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = ids[$"partner{host.Id}@example.org"], Role = StaffRoles.Partner, HostId = host.Id });
            }

            return await db.SaveChangesAsync();
        });
        return (campaign, partners, organiser);
    }

    /// <summary>Signs from an address of its own (no rate limit holds it), saying yes to <paramref name="yes"/> and no to the others, and confirms.</summary>
    private async Task SignAsync(Campaign campaign, string email, string[] yes, int signer, string? via = null, bool confirm = true)
    {
        var browser = Site.Browser(IPAddress.Parse($"10.{signer}.0.1"));
        var path = via is null ? $"/c/{campaign.Slug}" : $"/c/{campaign.Slug}?via={via}";
        var form = SigningTests.Form(campaign, name: email.Split('@')[0], email: email, hostChoice: "no");
        foreach (var host in yes)
        {
            form[$"Input.HostUpdates[{HostId(campaign, host)}]"] = "yes";
        }

        if (via is not null)
        {
            form["Input.Via"] = via;
        }

        var fields = await FormFiller.CompleteAsync(browser, path, form);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent(fields))).StatusCode);
        if (confirm)
        {
            await ConfirmAsync(email);
        }
    }

    private async Task ConfirmAsync(string email)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var emails = await Site.Mailbox.EmailsAsync(1);
            if (emails.FirstOrDefault(e => e.To.ToString().Contains(email, StringComparison.Ordinal)) is { } message)
            {
                Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(Site.Browser(), Mailbox.ConfirmationPath(message), [])).StatusCode);
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No confirmation email for {email}.");
            await Task.Delay(50);
        }
    }

    /// <summary>The email addresses in the host's CSV as <paramref name="staff"/> downloads it, sorted.</summary>
    private static async Task<List<string>> ExportedEmailsAsync(HttpClient staff, Campaign campaign, int hostId)
    {
        var export = await FormFiller.PostAsync(staff, $"/staff/campaigns/{campaign.Id}/supporters?handler=Export", [new("hostId", Id(hostId))]);
        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", export.Headers.CacheControl?.ToString());
        var lines = Encoding.UTF8.GetString(await export.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("name,email,postcode,country,language,confirmed_at_utc", lines[0]);
        return lines.Skip(1).Select(line => line.Split(',')[1]).Order(StringComparer.Ordinal).ToList();
    }

    private static MultipartFormDataContent LogoForm(string token, string hostId, byte[] picture)
    {
        var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(hostId), "hostId" },
        };
        var file = new ByteArrayContent(picture);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        form.Add(file, "logo", "logo.png");
        return form;
    }

    private static int HostId(Campaign campaign, string name) => campaign.Hosts.Single(h => h.Name == name).Id;

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}

public sealed class CoalitionOnSqlite() : CoalitionTests(DatabaseProvider.Sqlite);

public sealed class CoalitionOnPostgres() : CoalitionTests(DatabaseProvider.Postgres);
