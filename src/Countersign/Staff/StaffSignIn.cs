using System.Globalization;
using System.Net;
using System.Security.Claims;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Countersign.Staff;

/// <summary>
/// Staff sign-in in two steps. The password step leaves only a short-lived "pending" cookie that
/// opens nothing but the second step; the staff cookie is issued once an authenticator code (or a
/// recovery code) is accepted. Slowing guesses down (<see cref="SignInThrottle"/>), session limits
/// and re-authentication live here too.
/// </summary>
/// <remarks>
/// Identity's <see cref="UserManager{TUser}"/> checks passwords and builds the claims, but its
/// lockout locks the real person out along with whoever guesses, its security stamp validator
/// reads the system clock, and its authenticator check lets a code be used again within its
/// window; those parts are done here, on <see cref="TimeProvider"/>.
/// </remarks>
public sealed partial class StaffSignIn(
    CountersignDb db,
    UserManager<StaffUser> users,
    SignInThrottle throttle,
    IUserClaimsPrincipalFactory<StaffUser> principals,
    IOptions<IdentityOptions> identityOptions,
    TimeProvider clock,
    ILogger<StaffSignIn> logger)
{
    /// <summary>The staff cookie, issued after both factors.</summary>
    public const string Scheme = "Countersign.Staff";

    /// <summary>The cookie between the password and the second factor.</summary>
    public const string PendingScheme = "Countersign.StaffPending";

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(12);
    public static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan ConfirmationLifetime = TimeSpan.FromMinutes(5);

    private const string SignedInAtClaim = "countersign:signed-in-at";
    private const string ConfirmedAtClaim = "countersign:confirmed-at";

    public enum Outcome
    {
        /// <summary>Wrong email or password, or an unknown account: one answer for all.</summary>
        NoMatch,

        /// <summary>Too many attempts for this address from this network: not even checked (see <see cref="SignInThrottle"/>).</summary>
        Throttled,

        /// <summary>The right password for an account an admin disabled: told only to whoever knows the password.</summary>
        Disabled,
        Accepted,
    }

    public sealed record PasswordCheck(Outcome Outcome, StaffUser? User = null, TimeSpan RetryAfter = default);

    /// <summary>
    /// Checks an email and password from a client, unless too many attempts for that address came
    /// from the client's network lately. An unknown address is counted and answered like a known
    /// one, so the answers do not reveal which addresses have an account.
    /// </summary>
    public async Task<PasswordCheck> CheckPasswordAsync(string email, string password, IPAddress? client, CancellationToken cancellationToken)
    {
        var bucket = throttle.Password(email, client);
        if (await throttle.TryAttemptAsync([bucket], cancellationToken) is { } throttled)
        {
            LogPasswordThrottled(logger);
            return new(Outcome.Throttled, RetryAfter: throttled.Wait);
        }

        var user = email.Length is > 0 and <= StaffUser.EmailMaxLength ? await users.FindByEmailAsync(email.Trim()) : null;
        if (user is null)
        {
            // Spend the same effort as a real check, so timing does not reveal which accounts exist.
            users.PasswordHasher.VerifyHashedPassword(DummyUser, DummyHash, password);
            return new(Outcome.NoMatch);
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            LogPasswordRefused(logger, user.Id);
            return new(Outcome.NoMatch);
        }

        await throttle.SucceededAsync([bucket], cancellationToken);
        return user.IsDisabled ? new(Outcome.Disabled, user) : new(Outcome.Accepted, user);
    }

    /// <summary>
    /// Counts a second-factor attempt (a code, or the password and code that confirm who one is)
    /// before it is checked: per account from the client's network, and per account from every
    /// network. Returns how long to wait if it may not be checked yet; a wrong one needs nothing more.
    /// </summary>
    public async Task<TimeSpan?> StartCodeAttemptAsync(StaffUser user, IPAddress? client, CancellationToken cancellationToken)
    {
        if (await throttle.TryAttemptAsync([throttle.Code(user.Id, client), throttle.CodeFromAnywhere(user.Id)], cancellationToken) is not { } throttled)
        {
            return null;
        }

        if (throttled.Bucket.Shared)
        {
            LogCodesGuessedFromManyNetworks(logger, user.Id);
        }

        return throttled.Wait;
    }

    /// <summary>The code was right: the count from this network starts again, and the account's count takes this attempt back.</summary>
    public Task CodeAcceptedAsync(StaffUser user, IPAddress? client, CancellationToken cancellationToken) =>
        throttle.SucceededAsync([throttle.Code(user.Id, client), throttle.CodeFromAnywhere(user.Id)], cancellationToken);

    /// <summary>Answers 429 Too Many Requests with when to try again, in whole seconds.</summary>
    public static void AnswerThrottled(HttpResponse response, TimeSpan wait)
    {
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = WholeSeconds(wait).ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>A wait in whole seconds, rounded up: at least 1.</summary>
    public static int WholeSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>After the password: a cookie naming the user, good for a few minutes and for the second step only.</summary>
    public async Task StartPendingAsync(HttpContext context, StaffUser user, CancellationToken cancellationToken)
    {
        var stamp = await users.GetSecurityStampAsync(user);
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType, stamp),
            ],
            PendingScheme);
        cancellationToken.ThrowIfCancellationRequested();
        await context.SignInAsync(PendingScheme, new ClaimsPrincipal(identity));
    }

    /// <summary>The user between the two steps, or null if the pending cookie is missing, expired or outdated.</summary>
    public async Task<StaffUser?> PendingUserAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(PendingScheme);
        if (!result.Succeeded || !int.TryParse(result.Principal.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        var user = await users.FindByIdAsync(id.ToString(CultureInfo.InvariantCulture));
        return user is { IsDisabled: false } && user.SecurityStamp == result.Principal.FindFirstValue(identityOptions.Value.ClaimsIdentity.SecurityStampClaimType)
            ? user
            : null;
    }

    /// <summary>Both factors passed: the staff cookie replaces the pending one.</summary>
    public async Task CompleteAsync(HttpContext context, StaffUser user, CancellationToken cancellationToken)
    {
        await CodeAcceptedAsync(user, context.Connection.RemoteIpAddress, cancellationToken);
        await context.SignOutAsync(PendingScheme);
        await IssueAsync(context, user, signedInAt: clock.GetUtcNow(), confirmedAt: null);
        LogSignedIn(logger, user.Id);
    }

    /// <summary>
    /// Issues the staff cookie again for the signed-in user, after their password, email or
    /// authenticator changed (their security stamp with it) or after they confirmed who they are.
    /// The 12-hour limit still counts from the first sign-in.
    /// </summary>
    public async Task RefreshAsync(HttpContext context, StaffUser user, bool confirmedNow)
    {
        var signedInAt = ReadTime(context.User, SignedInAtClaim) ?? clock.GetUtcNow();
        var confirmedAt = confirmedNow ? clock.GetUtcNow() : ReadTime(context.User, ConfirmedAtClaim);
        await IssueAsync(context, user, signedInAt, confirmedAt);
    }

    private async Task IssueAsync(HttpContext context, StaffUser user, DateTimeOffset signedInAt, DateTimeOffset? confirmedAt)
    {
        var principal = await principals.CreateAsync(user);
        var identity = (ClaimsIdentity)principal.Identity!;
        identity.AddClaim(new Claim(SignedInAtClaim, signedInAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        if (confirmedAt is { } confirmed)
        {
            identity.AddClaim(new Claim(ConfirmedAtClaim, confirmed.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        }

        await context.SignInAsync(Scheme, new ClaimsPrincipal(new ClaimsIdentity(identity.Claims, Scheme, identity.NameClaimType, identity.RoleClaimType)));
    }

    /// <summary>Whether the user re-entered their password and a code in the last five minutes.</summary>
    public bool RecentlyConfirmed(ClaimsPrincipal user) =>
        ReadTime(user, ConfirmedAtClaim) is { } confirmed && clock.GetUtcNow() - confirmed < ConfirmationLifetime;

    /// <summary>
    /// Where to go after signing in: a staff page named by the request (see <see cref="ReturnAddress.Local"/>),
    /// or the staff home.
    /// </summary>
    public static string ReturnPath(string? returnUrl) =>
        ReturnAddress.Local(returnUrl) is { } path && (path == "/staff" || path.StartsWith("/staff/", StringComparison.Ordinal) || path.StartsWith("/staff?", StringComparison.Ordinal))
            ? path
            : "/staff";

    /// <summary>
    /// Signs out, on the server too: the account gets a new security stamp, so this session's
    /// cookie, and a copy of it anywhere, opens nothing any more. Every other session of the
    /// account ends with it: there is no telling a copy from another device's session.
    /// </summary>
    public async Task SignOutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (AuditLog.StaffIdOf(context.User) is { } id && context.User.Identity is { IsAuthenticated: true, AuthenticationType: Scheme })
        {
            await db.StaffUsers.Where(u => u.Id == id).ExecuteUpdateAsync(
                set => set.SetProperty(u => u.SecurityStamp, StaffUser.NewSecurityStamp()).SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()),
                cancellationToken);
            LogSignedOut(logger, id);
        }

        await context.SignOutAsync(Scheme);
        await context.SignOutAsync(PendingScheme);
    }


    /// <summary>
    /// Runs on every request with a staff cookie: ends sessions older than 12 hours, sessions of a
    /// disabled or removed account, and sessions whose security stamp changed (a sign-out, or the
    /// password, email or authenticator changed elsewhere, which must end the other sessions at once). Identity's own validator checks only every
    /// 30 minutes by default and drops claims it did not make; one indexed lookup per staff
    /// request costs little.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var clock = services.GetRequiredService<TimeProvider>();
        var stampClaim = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity.SecurityStampClaimType;
        var principal = context.Principal!;
        var expired = ReadTime(principal, SignedInAtClaim) is not { } signedInAt || clock.GetUtcNow() - signedInAt >= AbsoluteLifetime;
        var current = !expired
            && int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), CultureInfo.InvariantCulture, out var id)
            && principal.FindFirstValue(stampClaim) is { } stamp
            && await services.GetRequiredService<CountersignDb>().StaffUsers.AnyAsync(u => u.Id == id && u.SecurityStamp == stamp && u.DisabledAt == null, context.HttpContext.RequestAborted);
        if (!current)
        {
            LogSessionEnded(services.GetRequiredService<ILogger<StaffSignIn>>(), principal.FindFirstValue(ClaimTypes.NameIdentifier), expired ? "it is 12 hours old" : "the account signed out, changed its security stamp, or was disabled or removed");
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
        }
    }

    private static DateTimeOffset? ReadTime(ClaimsPrincipal principal, string claim) =>
        long.TryParse(principal.FindFirstValue(claim), CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;

    private static readonly StaffUser DummyUser = new();
    private static readonly string DummyHash = new PasswordHasher<StaffUser>().HashPassword(DummyUser, "not a real password");

    // Logs name accounts by id only: a staff member's email address is personal data.
    [LoggerMessage(Level = LogLevel.Information, Message = "Staff sign-in: wrong password for user {UserId}.")]
    private static partial void LogPasswordRefused(ILogger logger, int userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff sign-in: too many attempts for one address from one network; the next must wait.")]
    private static partial void LogPasswordThrottled(ILogger logger);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Staff user {UserId}: wrong codes from several networks after the right password; its password is probably known to someone else.")]
    private static partial void LogCodesGuessedFromManyNetworks(ILogger logger, int userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff session of user {UserId} ended: {Reason}.")]
    private static partial void LogSessionEnded(ILogger logger, string? userId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff user {UserId} signed in.")]
    private static partial void LogSignedIn(ILogger logger, int userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Staff user {UserId} signed out: every session of the account ended.")]
    private static partial void LogSignedOut(ILogger logger, int userId);
}
