using System.Net;
using System.Text;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Hosting;

/// <summary>Whatever arrives, the answer is a clear 4xx and nothing is stored: never a 500.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private TestSite _site = null!;

    public async Task InitializeAsync() => _site = await TestSite.StartAsync(DatabaseProvider.Sqlite);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    private Task<int> StoredSignaturesAsync() => _site.QueryAsync(db => db.Signatures.CountAsync());

    [Fact]
    public async Task Should_refuse_a_post_without_an_antiforgery_token_with_400()
    {
        var campaign = await _site.AddCampaignAsync();
        var response = await _site.Browser().PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent(SigningTests.Form(campaign)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("We could not understand that request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await StoredSignaturesAsync());
    }

    [Fact]
    public async Task Should_refuse_a_one_megabyte_form_with_a_4xx_page()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var form = SigningTests.Form(campaign);
        form["Input.Name"] = new string('x', 1024 * 1024);
        form["__RequestVerificationToken"] = await FormFiller.AntiforgeryTokenAsync(browser, $"/c/{campaign.Slug}");

        var response = await browser.PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent(form));

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Contains("<h1>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await StoredSignaturesAsync());
    }

    [Fact]
    public async Task Should_answer_invalid_utf8_with_a_form_error_and_store_nothing()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var token = await FormFiller.AntiforgeryTokenAsync(browser, $"/c/{campaign.Slug}");
        var body = new List<byte>();
        body.AddRange(Encoding.ASCII.GetBytes("Input.Name="));
        body.AddRange([0xC3, 0x28, 0xFF, 0xFE]);
        foreach (var (key, value) in SigningTests.Form(campaign).Where(f => f.Key != "Input.Name"))
        {
            body.AddRange(Encoding.ASCII.GetBytes($"&{Uri.EscapeDataString(key)}={Uri.EscapeDataString(value)}"));
        }

        body.AddRange(Encoding.ASCII.GetBytes($"&__RequestVerificationToken={Uri.EscapeDataString(token)}"));
        using var content = new ByteArrayContent([.. body]);
        content.Headers.ContentType = new("application/x-www-form-urlencoded");

        var response = await browser.PostAsync($"/c/{campaign.Slug}", content);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("Your name contains characters we cannot store.", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await StoredSignaturesAsync());
    }

    [Fact]
    public async Task Should_refuse_unexpected_fields_and_methods_without_a_500()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var form = SigningTests.Form(campaign);
        form["Input.HostUpdates[not-a-number]"] = "yes";
        form.Remove("Input.ShowName");
        var withJunk = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, withJunk.StatusCode);
        form["Input.ShowName"] = "no";
        form["Input.Name"] = "Name\u0000with a null";
        var withNull = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", form);
        Assert.InRange((int)withNull.StatusCode, 400, 499);
        Assert.Contains("<h1>", await withNull.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var put = await browser.PutAsync($"/c/{campaign.Slug}", new StringContent("x"));
        Assert.InRange((int)put.StatusCode, 400, 499);
        var json = await browser.PostAsync($"/c/{campaign.Slug}.json", new StringContent("{}"));
        Assert.InRange((int)json.StatusCode, 400, 499);
        var hugeSlug = await browser.GetAsync("/c/" + new string('a', 5000));
        Assert.Equal(HttpStatusCode.NotFound, hugeSlug.StatusCode);
        Assert.Equal(0, await StoredSignaturesAsync());
    }

    [Fact]
    public async Task Should_refuse_signatures_on_a_closed_campaign()
    {
        var campaign = await _site.AddCampaignAsync(state: Countersign.Campaigns.CampaignState.Closed);
        var browser = _site.Browser();
        var page = await browser.GetStringAsync($"/c/{campaign.Slug}");
        Assert.Contains("This petition is closed", page, StringComparison.Ordinal);

        var form = SigningTests.Form(campaign);
        form["__RequestVerificationToken"] = await FormFiller.AntiforgeryTokenAsync(browser, "/staff/login");
        var response = await browser.PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent(form));
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal(0, await StoredSignaturesAsync());
    }

    [Fact]
    public async Task Should_send_security_headers_on_every_page()
    {
        var response = await _site.Browser().GetAsync("/");
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));

        Assert.Contains("object-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task Should_tell_browsers_to_use_https_only_for_a_year_including_subdomains()
    {
        var client = _site.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri(TestSite.PublicUrl) });
        var response = await client.GetAsync("/");

        var hsts = response.Headers.GetValues("Strict-Transport-Security").Single();
        Assert.Matches("max-age=(3153[6-9]\\d{3}|3[2-9]\\d{6}|[4-9]\\d{7}|\\d{9,})", hsts);
        Assert.Contains("includeSubDomains", hsts, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_only_requests_for_its_own_host_name_and_loopback_names()
    {
        // A Host header is the client's to write: a site that answers any name can be made to
        // build links, or cache entries, for someone else's.
        foreach (var address in new[] { "https://evil.example", "https://countersign.test.evil.example", "https://127.0.0.2" })
        {
            var elsewhere = _site.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri(address), AllowAutoRedirect = false });
            foreach (var path in new[] { "/", "/staff" })
            {
                var response = await elsewhere.GetAsync(path);
                Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
                Assert.Null(response.Headers.Location);
            }
        }

        // The public address, and loopback names for health checks on the machine itself.
        foreach (var address in new[] { TestSite.PublicUrl, "https://COUNTERSIGN.test:8443", "https://localhost", "http://127.0.0.1:8080", "http://[::1]" })
        {
            var client = _site.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri(address) });
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/")).StatusCode);
        }
    }

    [Fact]
    public async Task Should_answer_the_hosts_named_in_allowed_hosts_when_it_is_set()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["AllowedHosts"] = "petitions.example.org;*.example.net");
        foreach (var (address, status) in new[] { ("https://petitions.example.org", HttpStatusCode.OK), ("https://www.example.net", HttpStatusCode.OK), (TestSite.PublicUrl, HttpStatusCode.BadRequest) })
        {
            var client = site.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri(address) });
            Assert.Equal(status, (await client.GetAsync("/")).StatusCode);
        }
    }

    [Fact]
    public async Task Should_never_let_pages_with_personal_data_be_stored_by_browsers_or_proxies()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();

        // The form shown again with what was typed, the check-your-email page, the staff login.
        var form = SigningTests.Form(campaign, email: "not-an-address");
        var refused = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        foreach (var response in new[] { refused, await browser.GetAsync($"/c/{campaign.Slug}/check-email"), await browser.GetAsync("/staff/login") })
        {
            Assert.True((response.Headers.CacheControl?.ToString() ?? "").Contains("no-store", StringComparison.Ordinal), $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {(int)response.StatusCode}, Cache-Control {response.Headers.CacheControl}");
        }
    }
}
