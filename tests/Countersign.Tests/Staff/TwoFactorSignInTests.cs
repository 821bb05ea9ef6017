using System.Net;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Privacy;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Staff;

/// <summary>
/// Staff sign in with a password and an authenticator app: the password alone opens nothing,
/// each code works once, guessing is slowed down, and sessions end when they should.
/// Runs on SQLite and on PostgreSQL, with the clock moved by the tests.
/// </summary>
public abstract class TwoFactorSignInTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Email = "organiser@example.org";
    private TestSite _site = null!;

    public async Task InitializeAsync() => _site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Should_open_no_staff_page_with_the_password_alone()
    {
        await _site.Staff.AddAsync(Email, StaffRoles.Admin);
        var browser = _site.Browser();
        var password = await PasswordAsync(browser);
        Assert.Equal(HttpStatusCode.Redirect, password.StatusCode);
        Assert.Equal("/staff/login/enrol?returnUrl=%2Fstaff", password.Headers.Location?.OriginalString);

        foreach (var path in new[] { "/staff", "/staff/outbox", "/staff/account", "/staff/users" })
        {
            var response = await browser.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal($"/staff/login?returnUrl={Uri.EscapeDataString(path)}", response.Headers.Location?.OriginalString);
        }

        // The pending step lasts five minutes.
        _site.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.StartsWith("/staff/login?", (await browser.GetAsync("/staff/login/enrol")).Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_wrong_code_when_setting_up_the_app_and_store_nothing()
    {
        await _site.Staff.AddAsync(Email, StaffRoles.Moderator);
        var browser = _site.Browser();
        await PasswordAsync(browser);

        var page = await browser.GetStringAsync("/staff/login/enrol");
        var refused = await browser.PostAsync("/staff/login/enrol", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", FormFiller.AntiforgeryToken(page)), new("SealedKey", TestStaff.SealedKey(page)), new("Code", "123456")]));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("That code is not right.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Null(await _site.QueryAsync(db => db.StaffUsers.Select(u => u.AuthenticatorKey).SingleAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/staff")).StatusCode);

        var (codes, enrolled) = await _site.Staff.EnrolAsync(browser, "/staff/login/enrol", Email);
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        Assert.Equal(10, codes.Count);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff")).StatusCode);

        // Once set up, the password leads to the code step only: nobody with the password alone can replace the app.
        var again = _site.Browser();
        Assert.StartsWith("/staff/login/code", (await PasswordAsync(again)).Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.StartsWith("/staff/login/code", (await again.GetAsync("/staff/login/enrol")).Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_accept_each_code_once_even_in_a_new_sign_in()
    {
        await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        var key = await KeyAsync();
        var step = _site.Clock.GetUtcNow().ToUnixTimeSeconds() / 30;

        var first = await PendingAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await CodeAsync(first, TestStaff.TotpAt(key, step))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/staff")).StatusCode);

        // The same code, seen over a shoulder, in another browser a moment later.
        var replay = await PendingAsync();
        var refused = await CodeAsync(replay, TestStaff.TotpAt(key, step));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("already been used", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await replay.GetAsync("/staff")).StatusCode);

        // An older code is no better; the app's next code works.
        Assert.Equal(HttpStatusCode.Unauthorized, (await CodeAsync(replay, TestStaff.TotpAt(key, step - 1))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await CodeAsync(replay, TestStaff.TotpAt(key, step + 1))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await replay.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task Should_let_only_one_of_two_simultaneous_sign_ins_use_a_code()
    {
        await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        var key = await KeyAsync();
        _site.Clock.Advance(TimeSpan.FromSeconds(60));
        var code = TestStaff.TotpAt(key, _site.Clock.GetUtcNow().ToUnixTimeSeconds() / 30);
        var browsers = new[] { await PendingAsync(), await PendingAsync(), await PendingAsync() };
        var forms = new List<List<KeyValuePair<string, string>>>();
        foreach (var browser in browsers)
        {
            forms.Add(await FormFiller.CompleteAsync(browser, "/staff/login/code", [new("Code", code)]));
        }

        var answers = await Task.WhenAll(browsers.Select((browser, i) => browser.PostAsync("/staff/login/code", new FormUrlEncodedContent(forms[i]))));
        Assert.Single(answers, answer => answer.StatusCode == HttpStatusCode.Redirect);
        Assert.Equal(2, answers.Count(answer => answer.StatusCode == HttpStatusCode.Unauthorized));
    }

    [Fact]
    public async Task Should_accept_each_recovery_code_once()
    {
        await _site.Staff.AddAsync(Email, StaffRoles.Admin);
        var browser = _site.Browser();
        await PasswordAsync(browser);
        var (codes, _) = await _site.Staff.EnrolAsync(browser, "/staff/login/enrol", Email);

        var phoneLost = await PendingAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await CodeAsync(phoneLost, codes[3].ToUpperInvariant())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await phoneLost.GetAsync("/staff")).StatusCode);

        var again = await PendingAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, (await CodeAsync(again, codes[3])).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await CodeAsync(again, codes[4])).StatusCode);
        Assert.Equal(8, await _site.QueryAsync(db => db.StaffRecoveryCodes.CountAsync()));
    }

    [Fact]
    public async Task Should_slow_password_guesses_from_one_network_while_the_owner_signs_in_from_another()
    {
        await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        var attacker = IPAddress.Parse("203.0.113.7");
        for (var i = 0; i < SignInThrottle.FreeAttempts; i++)
        {
            var wrong = await PasswordAsync(_site.Browser(attacker), $"wrong password {i}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Contains("do not match a staff account", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The next attempt from that network, another address in it and the right password too, is not even checked.
        var throttled = await PasswordAsync(_site.Browser(IPAddress.Parse("203.0.113.200")));
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), throttled.Headers.RetryAfter?.Delta);
        Assert.Contains("Too many attempts from your network: try again in a second.", WebUtility.HtmlDecode(await throttled.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // Each wrong guess once the wait is over doubles the next wait.
        var wait = TimeSpan.FromSeconds(1);
        for (var i = 0; i < 4; i++)
        {
            _site.Clock.Advance(wait);
            Assert.Equal(HttpStatusCode.Unauthorized, (await PasswordAsync(_site.Browser(attacker), "yet another guess")).StatusCode);
            var next = await PasswordAsync(_site.Browser(attacker), "and another");
            Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
            Assert.Equal(wait * 2, next.Headers.RetryAfter?.Delta);
            wait *= 2;
        }

        Assert.Contains("try again in 16 seconds.", await (await PasswordAsync(_site.Browser(attacker))).Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // An address without an account is answered the same way, so the answers do not tell which addresses have one.
        var unknown = new List<HttpStatusCode>();
        for (var i = 0; i <= SignInThrottle.FreeAttempts; i++)
        {
            unknown.Add((await FormFiller.PostAsync(_site.Browser(attacker), "/staff/login", [new("Email", "nobody@example.org"), new("Password", $"guess {i}")])).StatusCode);
        }

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, SignInThrottle.FreeAttempts), HttpStatusCode.TooManyRequests], unknown);

        // The owner, on a network that has not failed, signs in with password and code as usual.
        var owner = _site.Browser(IPAddress.Parse("198.51.100.20"));
        await _site.Staff.SignInAsync(owner, Email);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PasswordAsync(_site.Browser(attacker))).StatusCode);
        Assert.DoesNotContain(_site.Logs.Lines, line => line.Contains(Email, StringComparison.OrdinalIgnoreCase) || line.Contains("203.0.113", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_check_only_the_free_attempts_of_many_parallel_guesses_from_one_network()
    {
        await _site.Staff.AddAsync(Email, StaffRoles.Admin);
        var attacker = IPAddress.Parse("203.0.113.7");
        var browsers = Enumerable.Range(0, 12).Select(_ => _site.Browser(attacker)).ToList();
        var forms = new List<List<KeyValuePair<string, string>>>();
        foreach (var (browser, i) in browsers.Select((browser, i) => (browser, i)))
        {
            forms.Add(await FormFiller.CompleteAsync(browser, "/staff/login", [new("Email", Email), new("Password", $"parallel guess {i}")]));
        }

        var answers = await Task.WhenAll(browsers.Select((browser, i) => browser.PostAsync("/staff/login", new FormUrlEncodedContent(forms[i]))));
        Assert.Equal(SignInThrottle.FreeAttempts, answers.Count(answer => answer.StatusCode == HttpStatusCode.Unauthorized));
        Assert.Equal(browsers.Count - SignInThrottle.FreeAttempts, answers.Count(answer => answer.StatusCode == HttpStatusCode.TooManyRequests));
    }

    [Fact]
    public async Task Should_slow_code_guesses_per_network_and_for_the_account_from_every_network()
    {
        await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);

        // Someone who has the password guesses codes: a few are checked, then they wait.
        var thief = await PendingAsync(_site.Browser(IPAddress.Parse("203.0.113.7")));
        for (var i = 0; i < SignInThrottle.FreeAttempts; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await CodeAsync(thief, "00000" + i)).StatusCode);
        }

        var throttled = await CodeAsync(thief, "000009");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Contains("Too many attempts from your network", await throttled.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // From other networks too, the account's own count stops them: 6-digit codes allow no unlimited guessing.
        var guesses = SignInThrottle.FreeAttempts;
        var network = 0;
        HttpResponseMessage last;
        do
        {
            var elsewhere = await PendingAsync(_site.Browser(IPAddress.Parse($"192.0.{++network}.1")));
            last = await CodeAsync(elsewhere, "123456");
            guesses += last.StatusCode == HttpStatusCode.Unauthorized ? 1 : 0;
        }
        while (last.StatusCode == HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.TooManyRequests, last.StatusCode);
        Assert.Equal(SignInThrottle.FreeCodeAttemptsPerAccount, guesses);

        // The owner's password still leads to the code step; the code waits its turn, then works.
        var owner = await PendingAsync(_site.Browser(IPAddress.Parse("198.51.100.20")));
        var waiting = await CodeAsync(owner, await _site.Staff.CodeAsync(Email));
        Assert.Equal(HttpStatusCode.TooManyRequests, waiting.StatusCode);
        _site.Clock.Advance(waiting.Headers.RetryAfter!.Delta!.Value);
        Assert.Equal(HttpStatusCode.Redirect, (await CodeAsync(owner, await _site.Staff.CodeAsync(Email))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task Should_end_a_session_after_30_idle_minutes()
    {
        var browser = await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        _site.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff")).StatusCode);
        _site.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff")).StatusCode);
        _site.Clock.Advance(TimeSpan.FromMinutes(31));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task Should_end_a_busy_session_12_hours_after_signing_in()
    {
        var browser = await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        // Every 20 minutes, up to 11 h 40 min after signing in.
        for (var elapsed = TimeSpan.Zero; elapsed < TimeSpan.FromHours(11.5); elapsed += TimeSpan.FromMinutes(20))
        {
            _site.Clock.Advance(TimeSpan.FromMinutes(20));
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff")).StatusCode);
        }

        _site.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task Should_end_the_session_on_the_server_when_signing_out_so_a_copied_cookie_opens_nothing()
    {
        var (laptop, jar) = BrowserWithCookieJar();
        await _site.Staff.SignInAsync(laptop, Email, StaffRoles.Admin);
        var phone = await _site.Staff.SignedInAsync(Email);
        var copied = StaffCookie(jar);
        Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(copied, "/staff")).StatusCode);

        var page = await laptop.GetStringAsync("/staff");
        var signedOut = await laptop.PostAsync("/staff/login?handler=Logout", new FormUrlEncodedContent([new("__RequestVerificationToken", FormFiller.AntiforgeryToken(page))]));
        Assert.Equal("/staff/login", signedOut.Headers.Location?.OriginalString);
        Assert.Contains("You are signed out, here and on every other device", WebUtility.HtmlDecode(await laptop.GetStringAsync("/staff/login")), StringComparison.Ordinal);

        // The cookie's copy, taken before (from a shared computer, a proxy's log), opens nothing, and nor does the other device.
        var replayed = await WithCookieAsync(copied, "/staff");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith("/staff/login", replayed.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await phone.GetAsync("/staff")).StatusCode);

        await _site.Staff.SignInAsync(laptop, Email);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/staff")).StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_copy_of_the_session_cookie_once_the_password_changes()
    {
        var (laptop, jar) = BrowserWithCookieJar();
        await _site.Staff.SignInAsync(laptop, Email, StaffRoles.Admin);
        await ConfirmAsync(laptop);
        var copied = StaffCookie(jar);
        Assert.Equal(HttpStatusCode.OK, (await WithCookieAsync(copied, "/staff")).StatusCode);

        var changed = await FormFiller.PostAsync(laptop, "/staff/account?handler=Password", [new("NewPassword", "a brand new passphrase"), new("ConfirmPassword", "a brand new passphrase")]);
        Assert.Equal("/staff/account", changed.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await WithCookieAsync(copied, "/staff")).StatusCode);
    }

    [Fact]
    public async Task Should_ask_again_for_password_and_code_before_account_changes()
    {
        var browser = await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        Assert.Equal("/staff/account/confirm?returnUrl=%2Fstaff%2Faccount", (await browser.GetAsync("/staff/account")).Headers.Location?.OriginalString);
        var unconfirmed = await FormFiller.PostAsync(browser, "/staff/account/confirm", []);
        var changeWithout = await browser.PostAsync("/staff/account?handler=Password", new FormUrlEncodedContent(
            [new("__RequestVerificationToken", FormFiller.AntiforgeryToken(await unconfirmed.Content.ReadAsStringAsync())), new("NewPassword", "a brand new passphrase"), new("ConfirmPassword", "a brand new passphrase")]));
        Assert.StartsWith("/staff/account/confirm", changeWithout.Headers.Location?.OriginalString, StringComparison.Ordinal);

        var wrong = await FormFiller.PostAsync(browser, "/staff/account/confirm", [new("Password", "not my password"), new("Code", "000000")]);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("That password is not right.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await ConfirmAsync(browser);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/staff/account")).StatusCode);

        // Five minutes later, a change needs confirming again.
        _site.Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.StartsWith("/staff/account/confirm", (await browser.GetAsync("/staff/account")).Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_sign_out_other_sessions_when_the_password_changes()
    {
        var laptop = await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        var stolen = await _site.Staff.SignedInAsync(Email);
        await ConfirmAsync(laptop);

        var tooShort = await FormFiller.PostAsync(laptop, "/staff/account?handler=Password", [new("NewPassword", "short"), new("ConfirmPassword", "short")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooShort.StatusCode);
        Assert.Contains("at least 12 characters", await tooShort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var mismatch = await FormFiller.PostAsync(laptop, "/staff/account?handler=Password", [new("NewPassword", "a brand new passphrase"), new("ConfirmPassword", "another passphrase")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, mismatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await stolen.GetAsync("/staff")).StatusCode);

        var changed = await FormFiller.PostAsync(laptop, "/staff/account?handler=Password", [new("NewPassword", "a brand new passphrase"), new("ConfirmPassword", "a brand new passphrase")]);
        Assert.Equal("/staff/account", changed.Headers.Location?.OriginalString);
        Assert.Contains("Your password is changed.", WebUtility.HtmlDecode(await laptop.GetStringAsync("/staff/account")), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await laptop.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await stolen.GetAsync("/staff")).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await PasswordAsync(_site.Browser())).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PasswordAsync(_site.Browser(), "a brand new passphrase")).StatusCode);
    }

    [Fact]
    public async Task Should_replace_the_authenticator_and_change_the_email_after_confirming()
    {
        var browser = await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        var oldKey = await KeyAsync();
        await ConfirmAsync(browser);
        Assert.Equal("/staff/account/authenticator", (await FormFiller.PostAsync(browser, "/staff/account?handler=Authenticator", [])).Headers.Location?.OriginalString);
        var page = await browser.GetStringAsync("/staff/account/authenticator");
        var newKey = TestStaff.AuthenticatorKey(page);
        var replaced = await FormFiller.PostAsync(browser, "/staff/account/authenticator",
        [
            new("SealedKey", TestStaff.SealedKey(page)),
            new("Code", await _site.Staff.CodeAsync(Email, newKey)),
        ]);
        Assert.Equal("/staff/account", replaced.Headers.Location?.OriginalString);
        Assert.Equal(newKey, await KeyAsync());
        Assert.NotEqual(oldKey, newKey);

        var taken = await FormFiller.PostAsync(browser, "/staff/account?handler=Email", [new("NewEmail", "not an address")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, taken.StatusCode);
        Assert.Contains("value=\"not an address\"", await taken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var moved = await FormFiller.PostAsync(browser, "/staff/account?handler=Email", [new("NewEmail", "Amara@Example.org")]);
        Assert.Equal("/staff/account", moved.Headers.Location?.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(_site.Browser(), "/staff/login", [new("Email", "amara@example.org"), new("Password", TestStaff.Password)])).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PasswordAsync(_site.Browser())).StatusCode);
    }

    [Fact]
    public async Task Should_show_admins_the_staff_accounts_and_refuse_moderators()
    {
        await _site.Staff.AddAsync("moderator@example.org", StaffRoles.Moderator);
        var admin = await _site.Staff.SignedInAsync(Email, StaffRoles.Admin);
        var list = WebUtility.HtmlDecode(await admin.GetStringAsync("/staff/users"));
        Assert.Contains("moderator@example.org", list, StringComparison.Ordinal);
        Assert.Contains(">moderator<", list, StringComparison.Ordinal);

        var moderator = await _site.Staff.SignedInAsync("moderator@example.org");
        Assert.Equal(HttpStatusCode.Forbidden, (await moderator.GetAsync("/staff/users")).StatusCode);
        Assert.DoesNotContain("/staff/users", await moderator.GetStringAsync("/staff"), StringComparison.Ordinal);
    }

    /// <summary>A browser whose cookies the test can read, to copy the staff cookie as a thief would.</summary>
    private (HttpClient Browser, CookieContainer Jar) BrowserWithCookieJar()
    {
        var jar = new CookieContainer();
        var browser = new HttpClient(new CookieContainerHandler(jar) { InnerHandler = _site.Server.CreateHandler() }) { BaseAddress = new Uri("https://localhost") };
        return (browser, jar);
    }

    private static string StaffCookie(CookieContainer jar) =>
        jar.GetCookies(new Uri("https://localhost"))[CountersignApp.StaffCookie]?.Value ?? throw new InvalidOperationException("No staff cookie.");

    /// <summary>A request from elsewhere that carries nothing but a copy of the staff cookie.</summary>
    private async Task<HttpResponseMessage> WithCookieAsync(string cookie, string path)
    {
        using var client = new HttpClient(_site.Server.CreateHandler()) { BaseAddress = new Uri("https://localhost") };
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{CountersignApp.StaffCookie}={cookie}");
        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> PasswordAsync(HttpClient browser, string password = TestStaff.Password) =>
        FormFiller.PostAsync(browser, "/staff/login", [new("Email", Email), new("Password", password)]);

    /// <summary>A new browser (or <paramref name="browser"/>) past the password, at the code step.</summary>
    private async Task<HttpClient> PendingAsync(HttpClient? browser = null)
    {
        browser ??= _site.Browser();
        Assert.StartsWith("/staff/login/code", (await PasswordAsync(browser)).Headers.Location?.OriginalString, StringComparison.Ordinal);
        return browser;
    }

    private static Task<HttpResponseMessage> CodeAsync(HttpClient browser, string code) =>
        FormFiller.PostAsync(browser, "/staff/login/code", [new("Code", code)]);

    private async Task ConfirmAsync(HttpClient browser)
    {
        var confirmed = await FormFiller.PostAsync(browser, "/staff/account/confirm", [new("Password", TestStaff.Password), new("Code", await _site.Staff.CodeAsync(Email))]);
        Assert.Equal("/staff/account", confirmed.Headers.Location?.OriginalString);
    }

    private async Task<byte[]> KeyAsync()
    {
        var encrypted = await _site.QueryAsync(db => db.StaffUsers.Select(u => u.AuthenticatorKey).FirstAsync());
        return _site.Services.GetRequiredService<PersonalDataProtector>().Decrypt(encrypted!);
    }
}

public sealed class TwoFactorSignInOnSqlite() : TwoFactorSignInTests(DatabaseProvider.Sqlite);

public sealed class TwoFactorSignInOnPostgres() : TwoFactorSignInTests(DatabaseProvider.Postgres);
