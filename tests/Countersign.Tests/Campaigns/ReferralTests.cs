using System.Net;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// A reader follows a shared link (<c>?via=whatsapp</c>) and signs: the signature keeps the channel, and the organisers see
/// counted signatures per channel. A <c>via</c> that is not one of ours is dropped, never stored nor written back into the
/// page. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class ReferralTests(DatabaseProvider provider) : IAsyncLifetime
{
    protected TestSite Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    public static TheoryData<string> Odd => new()
    {
        "signal",
        "WhatsApp",
        "whatsapp\0",
        "\0",
        "whats app",
        " whatsapp",
        "lınkedin",
        "wһatsapp",
        "whatsapp😀",
        "<script>alert(1)</script>",
        new string('x', 10 * 1024),
        "",
    };

    [Theory]
    [InlineData(Referral.WhatsApp)]
    [InlineData(Referral.Embed)]
    [InlineData(Referral.Copy)]
    public async Task Should_keep_the_channel_of_the_link_the_signer_followed(string code)
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();
        var path = $"/c/{campaign.Slug}?via={code}";

        var page = new HtmlParser().ParseDocument(await browser.GetStringAsync(path));
        var carried = page.QuerySelector("#sign form input[type=hidden][name='Input.Via']");
        Assert.Equal(code, carried?.GetAttribute("value"));

        var signed = await FormFiller.PostAsync(browser, path, SigningTests.Form(campaign).Append(new("Input.Via", code)));

        Assert.Equal(HttpStatusCode.Redirect, signed.StatusCode);
        Assert.Equal(code, await Site.QueryAsync(db => db.Signatures.Select(s => s.Referral).SingleAsync()));
    }

    [Theory]
    [MemberData(nameof(Odd))]
    public async Task Should_drop_a_channel_that_is_not_ours_without_writing_it_back(string via)
    {
        var campaign = await Site.AddCampaignAsync();
        var browser = Site.Browser();

        var opened = await browser.GetAsync($"/c/{campaign.Slug}?via={Uri.EscapeDataString(via)}");
        var html = await opened.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, opened.StatusCode);
        Assert.DoesNotContain("Input.Via", html, StringComparison.Ordinal);

        // Posted as is, as a script would: the form is taken, the channel is not. A NUL is refused
        // before the form is read at all, as in any field (BadInputTests).
        var hasNull = via.Contains('\0', StringComparison.Ordinal);
        var signed = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign).Append(new("Input.Via", via)));
        Assert.Equal(hasNull ? HttpStatusCode.BadRequest : HttpStatusCode.Redirect, signed.StatusCode);
        Assert.Equal(hasNull ? [] : [null], await Site.QueryAsync(db => db.Signatures.Select(s => s.Referral).ToListAsync()));

        // A form sent back with its problems keeps what was typed, but not this.
        var refused = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: "", email: "someone.else@example.org").Append(new("Input.Via", via)));
        Assert.Equal(hasNull ? HttpStatusCode.BadRequest : HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.DoesNotContain("Input.Via", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_the_organisers_counted_signatures_per_channel()
    {
        var campaign = await Site.AddCampaignAsync();
        var signers = new (string Email, string? Via, bool Confirms)[]
        {
            ("amal@example.org", Referral.WhatsApp, true),
            ("ben@example.net", Referral.WhatsApp, true),
            ("chloe@example.com", null, true),
            ("dana@example.edu", Referral.Email, false),
        };
        for (var i = 0; i < signers.Length; i++)
        {
            var (email, via, confirms) = signers[i];
            var browser = Site.Browser(IPAddress.Parse($"203.0.113.{10 + i}"));
            var path = via is null ? $"/c/{campaign.Slug}" : $"/c/{campaign.Slug}?via={via}";
            var form = SigningTests.Form(campaign, email: email).AsEnumerable();
            var signed = await FormFiller.PostAsync(browser, path, via is null ? form : form.Append(new("Input.Via", via)));
            Assert.Equal(HttpStatusCode.Redirect, signed.StatusCode);

            var confirmation = (await Site.Mailbox.EmailsAsync(i + 1)).Single(message => message.To.Mailboxes.Single().Address == email);
            if (confirms)
            {
                Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(browser, Mailbox.ConfirmationPath(confirmation), [])).StatusCode);
            }
        }

        var organiser = await Site.Staff.SignedInAsync("admin@example.org", StaffRoles.Admin);
        var page = new HtmlParser().ParseDocument(await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}"));
        var rows = page.QuerySelectorAll("[data-testid=sharing] table.referrals tbody tr")
            .ToDictionary(row => row.GetAttribute("data-channel")!, row => int.Parse(row.QuerySelectorAll("td")[1].TextContent, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(Referral.Codes.Append("direct").Order(StringComparer.Ordinal), rows.Keys.Order(StringComparer.Ordinal));
        var counted = signers.Where(s => s.Confirms).ToList();
        Assert.Equal(counted.Count(s => s.Via == Referral.WhatsApp), rows[Referral.WhatsApp]);
        Assert.Equal(counted.Count(s => s.Via is null), rows["direct"]);
        Assert.Equal(0, rows[Referral.Email]);
        Assert.Equal(await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync()), rows.Values.Sum());
        Assert.Equal(Referral.WhatsApp, page.QuerySelector("[data-testid=sharing] table.referrals tbody tr")?.GetAttribute("data-channel"));
    }
}

public sealed class ReferralOnSqlite() : ReferralTests(DatabaseProvider.Sqlite);

public sealed class ReferralOnPostgres() : ReferralTests(DatabaseProvider.Postgres);
