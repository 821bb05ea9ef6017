using System.Net;
using AngleSharp.Html.Parser;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Hosting;

/// <summary>
/// A Content-Security-Policy with a fresh nonce on every response, which every script on our pages
/// carries, no inline script or style anywhere the policy would have to allow, and cookies that
/// browsers keep to this host over HTTPS, out of scripts' reach.
/// </summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private const string Password = TestStaff.Password;
    private TestSite _site = null!;

    public async Task InitializeAsync()
    {
        _site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings[TestSite.ThrowAtSetting] = "/test/throw");
        await _site.Staff.AddAsync("organiser@example.org", StaffRoles.Admin);
    }

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Should_send_a_nonce_based_policy_on_every_kind_of_response()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var responses = new (string What, HttpStatusCode Status, HttpResponseMessage Response)[]
        {
            ("page", HttpStatusCode.OK, await browser.GetAsync($"/c/{campaign.Slug}")),
            ("JSON", HttpStatusCode.OK, await browser.GetAsync($"/c/{campaign.Slug}.json")),
            ("proof-of-work challenge", HttpStatusCode.OK, await browser.GetAsync($"/c/{campaign.Slug}/altcha")),
            ("stylesheet", HttpStatusCode.OK, await browser.GetAsync("/css/site.css")),
            ("widget script", HttpStatusCode.OK, await browser.GetAsync("/lib/altcha/altcha.js")),
            ("redirect", HttpStatusCode.Redirect, await browser.GetAsync("/staff")),
            ("404 page", HttpStatusCode.NotFound, await browser.GetAsync("/no-such-page")),
            ("error page of a refused form", HttpStatusCode.BadRequest, await browser.PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent(SigningTests.Form(campaign)))),
            ("error page of an exception", HttpStatusCode.InternalServerError, await browser.GetAsync("/test/throw")),
        };

        foreach (var (what, status, response) in responses)
        {
            Assert.True(response.StatusCode == status, $"{what}: {(int)response.StatusCode}, expected {(int)status}");
            var policy = Policy(response);
            var nonce = Nonce(response);
            Assert.True(Convert.FromBase64String(nonce).Length >= 16, $"{what}: nonce '{nonce}' is shorter than 16 bytes");
            Assert.Equal([$"'nonce-{nonce}'", "'strict-dynamic'"], policy["script-src"]);
            Assert.Equal(["'self'"], policy["default-src"]);
            Assert.Equal(["'self'"], policy["style-src"]);
            Assert.Equal(["'self'", "data:"], policy["img-src"]);
            Assert.Equal(["'self'"], policy["worker-src"]);
            Assert.Equal(["'none'"], policy["object-src"]);
            Assert.Equal(["'none'"], policy["base-uri"]);
            Assert.Equal(["'none'"], policy["frame-ancestors"]);
            Assert.Equal(["'self'"], policy["form-action"]);
            Assert.DoesNotContain(policy.Values.SelectMany(sources => sources), source => source.StartsWith("'unsafe-", StringComparison.Ordinal));
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
            Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        }
    }

    [Fact]
    public async Task Should_give_every_script_on_the_campaign_page_that_responses_own_nonce()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var nonces = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 5; i++)
        {
            var response = await browser.GetAsync($"/c/{campaign.Slug}");
            var nonce = Nonce(response);
            Assert.True(nonces.Add(nonce), $"The nonce {nonce} was sent twice.");

            var scripts = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync()).Scripts;
            Assert.Equal(["/js/error-focus.js", "/js/pulse.js", "/lib/altcha/altcha.js", "/lib/altcha/fr-fr.js", "/js/altcha-setup.js", "/js/share.js"], scripts.Select(script => StaticFiles.Unfingerprinted(script.GetAttribute("src")) ?? "inline"));
            Assert.All(scripts, script => Assert.Equal(nonce, script.GetAttribute("nonce")));
        }
    }

    [Fact]
    public async Task Should_have_no_inline_script_or_style_on_any_page()
    {
        var campaign = await _site.AddCampaignAsync();
        await _site.AddCampaignAsync("closed-campaign", Countersign.Campaigns.CampaignState.Closed);
        var pages = new List<(string What, HttpResponseMessage Response)>();
        var browser = _site.Browser();

        // The pages reached only by posting a form: the form shown again, check your email, confirm, thanks.
        pages.Add(("form with errors", await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "not-an-address"))));
        var signed = await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign));
        pages.Add(("check your email", await browser.GetAsync(signed.Headers.Location!.OriginalString)));
        var link = Mailbox.ConfirmationPath(Assert.Single(await _site.Mailbox.EmailsAsync(1)));
        var confirmed = await FormFiller.PostAsync(browser, link, []);
        pages.Add(("thanks", await browser.GetAsync(confirmed.Headers.Location!.OriginalString)));
        pages.Add(("wrong password", await FormFiller.PostAsync(_site.Browser(), "/staff/login", [new("Email", "organiser@example.org"), new("Password", "wrong password!")])));

        // The steps between the password and the staff pages, each with a wrong code too.
        var signingIn = _site.Browser();
        Assert.Equal("/staff/login/enrol?returnUrl=%2Fstaff", (await FormFiller.PostAsync(signingIn, "/staff/login", [new("Email", "organiser@example.org"), new("Password", Password)])).Headers.Location?.OriginalString);
        pages.Add(("enrolment", await signingIn.GetAsync("/staff/login/enrol")));
        pages.Add(("enrolment with a wrong code", await FormFiller.PostAsync(signingIn, "/staff/login/enrol", [new("Code", "000000")])));
        var (_, enrolled) = await _site.Staff.EnrolAsync(signingIn, "/staff/login/enrol", "organiser@example.org");
        pages.Add(("recovery codes", enrolled));
        var secondSignIn = _site.Browser();
        await FormFiller.PostAsync(secondSignIn, "/staff/login", [new("Email", "organiser@example.org"), new("Password", Password)]);
        pages.Add(("code", await secondSignIn.GetAsync("/staff/login/code")));
        pages.Add(("wrong code", await FormFiller.PostAsync(secondSignIn, "/staff/login/code", [new("Code", "000000")])));
        pages.Add(("404 page", await browser.GetAsync("/no-such-page")));
        pages.Add(("400 page", await browser.PostAsync($"/c/{campaign.Slug}", new FormUrlEncodedContent([]))));

        // Every other page a signed-in organiser can reach by following links, in both languages.
        var staff = await _site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);
        pages.AddRange(await CrawlAsync(staff, ["/", "/staff", "/staff/campaigns/new"]));
        Assert.Equal(HttpStatusCode.Redirect, (await staff.GetAsync("/language/fr")).StatusCode);
        pages.AddRange(await CrawlAsync(staff, ["/", "/staff", "/staff/campaigns/new"]));

        // The account pages, once the staff member has confirmed who they are.
        var reauthenticated = await FormFiller.PostAsync(staff, "/staff/account/confirm", [new("Password", Password), new("Code", await _site.Staff.CodeAsync("organiser@example.org"))]);
        Assert.Equal("/staff/account", reauthenticated.Headers.Location?.OriginalString);
        pages.Add(("account", await staff.GetAsync("/staff/account")));
        pages.Add(("account with errors", await FormFiller.PostAsync(staff, "/staff/account?handler=Password", [new("NewPassword", "short")])));
        pages.Add(("new recovery codes", await FormFiller.PostAsync(staff, "/staff/account?handler=RecoveryCodes", [])));
        pages.Add(("new authenticator", await staff.GetAsync("/staff/account/authenticator")));
        pages.Add(("staff accounts", await staff.GetAsync("/staff/users")));

        Assert.Contains(pages, page => page.What.StartsWith($"/c/{campaign.Slug}", StringComparison.Ordinal));
        Assert.Contains(pages, page => page.What.StartsWith("/staff/outbox/", StringComparison.Ordinal));
        Assert.Contains(pages, page => page.What.StartsWith("/confirm/", StringComparison.Ordinal));
        Assert.Contains(pages, page => page.What == "/staff/account/confirm?returnUrl=%2Fstaff%2Faccount");
        foreach (var (what, response) in pages)
        {
            Assert.NotEmpty(Nonce(response));
            if (what.StartsWith("/staff", StringComparison.Ordinal) || what.Contains("code", StringComparison.Ordinal) || what.Contains("account", StringComparison.Ordinal) || what.Contains("enrolment", StringComparison.Ordinal))
            {
                Assert.True(response.Headers.CacheControl?.NoStore == true, $"{what}: Cache-Control {response.Headers.CacheControl}");
            }

            AssertHostOnlyCookies(response);
            var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
            Assert.True(document.Body?.ChildElementCount > 0, $"{what}: not an HTML page ({(int)response.StatusCode})");
            Assert.All(document.Scripts, script => Assert.False(string.IsNullOrEmpty(script.GetAttribute("src")), $"{what}: inline script {script.OuterHtml}"));
            Assert.Empty(document.QuerySelectorAll("style"));
            foreach (var element in document.All)
            {
                foreach (var attribute in element.Attributes)
                {
                    Assert.False(attribute.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase), $"{what}: event handler in {element.OuterHtml}");
                    Assert.False(attribute.Name.Equals("style", StringComparison.OrdinalIgnoreCase), $"{what}: style attribute in {element.OuterHtml}");
                    Assert.False(attribute.Value.TrimStart().StartsWith("javascript:", StringComparison.OrdinalIgnoreCase), $"{what}: javascript: URL in {element.OuterHtml}");
                }
            }
        }
    }

    [Fact]
    public async Task Should_set_only_secure_host_only_cookies_that_scripts_cannot_read()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        var responses = new List<HttpResponseMessage>
        {
            await browser.GetAsync($"/c/{campaign.Slug}"),
            await browser.GetAsync("/language/fr"),
            await FormFiller.PostAsync(browser, "/staff/login", [new("Email", "organiser@example.org"), new("Password", Password)]),
            (await _site.Staff.EnrolAsync(browser, "/staff/login/enrol", "organiser@example.org")).Response,

            // A moderator's action leaves a notice in TempData for the page it redirects to.
            await FormFiller.PostAsync(browser, $"/staff/campaigns/{campaign.Id}/trends?handler=Invalidate", []),
            await browser.GetAsync($"/staff/campaigns/{campaign.Id}/trends"),
        };
        var token = await FormFiller.AntiforgeryTokenAsync(browser, "/staff/campaigns/new");
        responses.Add(await browser.PostAsync("/staff/login?handler=Logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)])));
        Assert.Equal(HttpStatusCode.Redirect, responses[^1].StatusCode);

        var cookies = responses.SelectMany(SetCookies).ToList();
        Assert.Equal(
            new[] { CountersignApp.AntiforgeryCookie, LanguageSwitch.CookieName, CountersignApp.StaffCookie, CountersignApp.StaffPendingCookie, CountersignApp.TempDataCookie }.Order(StringComparer.Ordinal),
            cookies.Select(cookie => cookie.Name).Distinct().Order(StringComparer.Ordinal));
        Assert.Contains(cookies, cookie => cookie.Name == CountersignApp.StaffCookie && cookie.Attributes.GetValueOrDefault("expires")?.Contains("1970", StringComparison.Ordinal) == true);
        Assert.All(responses, AssertHostOnlyCookies);
        Assert.Equal("lax", cookies.First(cookie => cookie.Name == LanguageSwitch.CookieName).Attributes["samesite"]);
        Assert.All(cookies.Where(cookie => cookie.Name != LanguageSwitch.CookieName), cookie => Assert.Equal("strict", cookie.Attributes["samesite"]));
    }

    /// <summary>
    /// Every cookie is named __Host-, Secure, for the whole site and this host only (as browsers
    /// require of that prefix), HttpOnly and SameSite.
    /// </summary>
    private static void AssertHostOnlyCookies(HttpResponseMessage response)
    {
        foreach (var (name, attributes, header) in SetCookies(response))
        {
            Assert.True(name.StartsWith("__Host-", StringComparison.Ordinal), $"Cookie without the __Host- prefix: {header}");
            Assert.True(attributes.ContainsKey("secure"), $"Cookie without Secure: {header}");
            Assert.True(attributes.ContainsKey("httponly"), $"Cookie without HttpOnly: {header}");
            Assert.True(attributes.GetValueOrDefault("path") == "/", $"Cookie without Path=/: {header}");
            Assert.True(attributes.GetValueOrDefault("samesite") is "strict" or "lax", $"Cookie without SameSite Strict or Lax: {header}");
            Assert.False(attributes.ContainsKey("domain"), $"Cookie with a Domain: {header}");
        }
    }

    /// <summary>The response's Set-Cookie headers: each cookie's name, its attributes (names and values in lower case), and the header itself.</summary>
    private static IEnumerable<(string Name, Dictionary<string, string> Attributes, string Header)> SetCookies(HttpResponseMessage response) =>
        (response.Headers.TryGetValues("Set-Cookie", out var headers) ? headers : []).Select(header =>
        {
            var parts = header.Split(';', StringSplitOptions.TrimEntries);
            var attributes = parts[1..].Select(part => part.Split('=', 2)).ToDictionary(
                pair => pair[0].ToLowerInvariant(), pair => pair.Length > 1 ? pair[1].ToLowerInvariant() : "", StringComparer.Ordinal);
            return (parts[0].Split('=', 2)[0], attributes, header);
        });

    /// <summary>
    /// Follows this site's links (those in emails name the public address) and redirects from the
    /// given paths, except to another language; returns every HTML page reached.
    /// </summary>
    private static async Task<List<(string What, HttpResponseMessage Response)>> CrawlAsync(HttpClient browser, string[] start)
    {
        var pages = new List<(string, HttpResponseMessage)>();
        var seen = new HashSet<string>(start, StringComparer.Ordinal);
        var queue = new Queue<string>(start);
        while (queue.TryDequeue(out var path))
        {
            Assert.True(seen.Count < 200, "The crawl found more than 200 paths: is a link growing on each visit?");
            var response = await browser.GetAsync(path);
            var next = new List<string>();
            if (response.Headers.Location is { } location)
            {
                next.Add(location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString);
            }
            else if (response.Content.Headers.ContentType?.MediaType == "text/html")
            {
                pages.Add((path, response));
                var document = new HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
                next.AddRange(document.QuerySelectorAll("a[href]").Select(a => a.GetAttribute("href")!));
            }

            foreach (var link in next)
            {
                var href = link.StartsWith(TestSite.PublicUrl + "/", StringComparison.Ordinal) ? link[TestSite.PublicUrl.Length..] : link;
                if (!href.StartsWith('/') || href.StartsWith("//", StringComparison.Ordinal) || href.StartsWith("/language/", StringComparison.Ordinal))
                {
                    continue;
                }

                if (seen.Add(href))
                {
                    queue.Enqueue(href);
                }
            }
        }

        return pages;
    }

    /// <summary>The policy's directives, each with its sources.</summary>
    private static Dictionary<string, string[]> Policy(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var headers), $"No Content-Security-Policy on {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} ({(int)response.StatusCode})");
        var header = Assert.Single(headers);
        return header.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(directive => directive.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToDictionary(parts => parts[0], parts => parts[1..], StringComparer.Ordinal);
    }

    private static string Nonce(HttpResponseMessage response)
    {
        var nonces = Policy(response)["script-src"].Where(source => source.StartsWith("'nonce-", StringComparison.Ordinal)).ToList();
        return Assert.Single(nonces)["'nonce-".Length..^1];
    }
}
