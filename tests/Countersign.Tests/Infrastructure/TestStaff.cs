using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using Countersign.Privacy;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// Staff members of a <see cref="TestSite"/> signing in through its real pages, with an authenticator
/// app the test plays: the keys the enrolment pages showed, and codes that each work once.
/// </summary>
public sealed partial class TestStaff(TestSite site)
{
    /// <summary>The authenticator keys the enrolment pages showed, by address.</summary>
    private readonly ConcurrentDictionary<string, byte[]> _keys = new(StringComparer.Ordinal);

    /// <summary>The password of every staff account the tests make with <see cref="AddAsync"/>.</summary>
    public const string Password = "a long staff password";

    /// <summary>
    /// A browser-like client signed in as a staff member, through the real pages: the password,
    /// then (the first time) setting up the authenticator with the key the page shows, or a code.
    /// The account is made with <paramref name="roles"/> (<see cref="StaffRoles"/>) if it does not exist yet.
    /// </summary>
    public async Task<HttpClient> SignedInAsync(string email, params string[] roles)
    {
        var client = site.Browser();
        await SignInAsync(client, email, roles);
        return client;
    }

    /// <summary>Signs <paramref name="client"/> in as a staff member (see <see cref="SignedInAsync"/>).</summary>
    public async Task SignInAsync(HttpClient client, string email, params string[] roles)
    {
        await AddAsync(email, roles);
        var login = await FormFiller.PostAsync(client, "/staff/login", [new("Email", email), new("Password", Password)]);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var next = login.Headers.Location!.OriginalString;
        if (next.StartsWith("/staff/login/enrol", StringComparison.Ordinal))
        {
            var (recoveryCodes, enrolled) = await EnrolAsync(client, next, email);
            Assert.True(recoveryCodes.Count == StaffAuthenticator.RecoveryCodeCount, $"Enrolment answered {(int)enrolled.StatusCode} without recovery codes.");
            return;
        }

        Assert.StartsWith("/staff/login/code", next, StringComparison.Ordinal);
        var signedIn = await FormFiller.PostAsync(client, next, [new("Code", await CodeAsync(email))]);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    /// <summary>
    /// Sets up the authenticator on an enrolment page as a person would: reads the key the page
    /// shows and answers with the app's code. Returns the recovery codes shown and the response.
    /// </summary>
    public async Task<(IReadOnlyList<string> RecoveryCodes, HttpResponseMessage Response)> EnrolAsync(HttpClient client, string enrolmentPath, string email)
    {
        var page = await client.GetAsync(enrolmentPath);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var key = AuthenticatorKey(html);
        _keys[email.ToLowerInvariant()] = key;
        var response = await client.PostAsync(enrolmentPath, new FormUrlEncodedContent(
        [
            new("__RequestVerificationToken", FormFiller.AntiforgeryToken(html)),
            new("SealedKey", SealedKey(html)),
            new("Code", await CodeAsync(email)),
        ]));
        var codes = RecoveryCode().Matches(await response.Content.ReadAsStringAsync()).Select(match => match.Groups["code"].Value).ToList();
        return (codes, response);
    }

    /// <summary>The authenticator key an enrolment page shows (spaces and all), as bytes.</summary>
    public static byte[] AuthenticatorKey(string html)
    {
        var match = AuthenticatorKeyField().Match(html);
        Assert.True(match.Success, "The page shows no authenticator key.");
        return Base32Encoding.ToBytes(match.Groups["key"].Value.Replace(" ", "", StringComparison.Ordinal));
    }

    /// <summary>The new key an enrolment form carries, sealed, until a code confirms it.</summary>
    public static string SealedKey(string html) => WebUtility.HtmlDecode(SealedKeyField().Match(html).Groups["key"].Value);

    /// <summary>Adds a staff account with <see cref="Password"/>, unless one exists for the address.</summary>
    public async Task AddAsync(string email, params string[] roles)
    {
        await using var scope = site.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<StaffUser>>();
        if (await users.FindByEmailAsync(email) is null)
        {
            Assert.Null(await scope.ServiceProvider.GetRequiredService<StaffAccounts>().AddAsync(email, Password, roles, default));
        }
    }

    /// <summary>
    /// A code of the staff member's authenticator app that the site will accept now: each code
    /// works once, so when the codes of this moment (one step either side) are spent, the clock
    /// moves on 30 seconds, as a person would wait for the next code.
    /// </summary>
    /// <param name="key">The app's key, for an authenticator being set up (otherwise the enrolled one).</param>
    public async Task<string> CodeAsync(string email, byte[]? key = null)
    {
        var address = email.ToLowerInvariant();
        var (lastStep, encryptedKey) = await site.QueryAsync(async db =>
        {
            var user = await db.StaffUsers.SingleAsync(u => u.Email == address);
            return (user.LastTotpStep, user.AuthenticatorKey);
        });
        if (key is null && !_keys.TryGetValue(address, out key))
        {
            key = site.Services.GetRequiredService<PersonalDataProtector>().Decrypt(encryptedKey ?? throw new InvalidOperationException($"{email} has no authenticator."));
        }

        var current = site.Clock.GetUtcNow().ToUnixTimeSeconds() / 30;
        var step = Math.Max(lastStep + 1, current - 1);
        if (step > current + 1)
        {
            site.Clock.Advance(TimeSpan.FromSeconds(30 * (step - current - 1)));
        }

        return TotpAt(key, step);
    }

    /// <summary>The code an authenticator app with <paramref name="key"/> shows during time step <paramref name="step"/>.</summary>
    public static string TotpAt(byte[] key, long step) => new Totp(key).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * 30).UtcDateTime);

    [GeneratedRegex("data-testid=\"authenticator-key\">(?<key>[A-Z2-7 ]+)</code>")]
    private static partial Regex AuthenticatorKeyField();

    [GeneratedRegex("name=\"SealedKey\" value=\"(?<key>[^\"]+)\"")]
    private static partial Regex SealedKeyField();

    [GeneratedRegex("<li><code>(?<code>[2-9a-z]{5}-[2-9a-z]{5})</code></li>")]
    private static partial Regex RecoveryCode();
}
