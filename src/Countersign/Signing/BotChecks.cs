using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Countersign.Privacy;
using Microsoft.Extensions.Options;

namespace Countersign.Signing;

/// <summary>
/// Two quiet traps for scripts: a honeypot field that people never see (so never fill), and a
/// sealed stamp of when the form was handed out. A submission caught by either gets exactly the
/// page a real one gets, so the script learns nothing, and is stored as invalidated.
/// </summary>
public sealed class BotChecks(PersonalDataProtector protector, TimeProvider clock, IOptions<BotCheckOptions> options)
{
    /// <summary>The honeypot's form field: named like a field a form-filling script would want to fill.</summary>
    public const string HoneypotField = "Input.Website";

    public const string HoneypotReason = "honeypot";
    public const string TooFastReason = "too-fast";

    /// <summary>A proof-of-work solution sent a second time (see <see cref="ProofOfWork"/>).</summary>
    public const string ReplayedReason = "replayed-proof";

    /// <summary>
    /// The longest a form may stay open: a working day, so a page opened in the morning can still be
    /// sent in the evening (a tab left overnight is asked to send again, with nothing retyped), while a
    /// stamp copied from one page load cannot be reused for days.
    /// </summary>
    public static readonly TimeSpan MaximumFormAge = TimeSpan.FromHours(12);

    /// <summary>
    /// How far ahead of this server's clock a stamp may be dated: servers sharing a database differ by a
    /// little. Further ahead, a clock was wrong when it was issued, and how long the form took is unknown.
    /// </summary>
    public static readonly TimeSpan ClockDifferenceAllowed = TimeSpan.FromSeconds(5);

    /// <summary>A stamp of now for a new form: seconds since 1970 and a keyed hash of them.</summary>
    public string IssueStamp()
    {
        var seconds = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"{seconds}.{Seal(seconds)}";
    }

    /// <summary>Why this submission looks scripted (an invalidation reason), or null when it does not.</summary>
    public string? Suspicion(SignatureForm form) => Suspicion(form.Website, form.Started);

    /// <summary>Why a submission of any of our forms looks scripted, from its honeypot field and its stamp; null when it does not.</summary>
    public string? Suspicion(string? honeypot, string? stamp)
    {
        if (!string.IsNullOrEmpty(honeypot))
        {
            return HoneypotReason;
        }

        // A missing or forged stamp counts as too fast: only a form we handed out carries a valid one.
        // So does an out-of-date one, should a caller not have refused it first (see IsOutOfDate).
        return SecondsSinceIssued(stamp) is { } seconds && seconds >= options.Value.MinimumSecondsToFill && seconds <= MaximumFormAge.TotalSeconds
            ? null
            : TooFastReason;
    }

    /// <summary>
    /// Whether a stamp we issued is past <see cref="MaximumFormAge"/>, or dated ahead of our clock by
    /// more than <see cref="ClockDifferenceAllowed"/>. The person is asked to send the form again with
    /// a fresh stamp; a missing or forged stamp is not out of date, but a script's (see Suspicion).
    /// </summary>
    public bool IsOutOfDate(string? stamp) =>
        SecondsSinceIssued(stamp) is { } seconds && (seconds > MaximumFormAge.TotalSeconds || seconds < -ClockDifferenceAllowed.TotalSeconds);

    private double? SecondsSinceIssued(string? stamp)
    {
        var parts = (stamp ?? "").Split('.');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var issued)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Seal(parts[0])), Encoding.ASCII.GetBytes(parts[1])))
        {
            return null;
        }

        return (clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(Math.Min(issued, DateTimeOffset.MaxValue.ToUnixTimeSeconds()))).TotalSeconds;
    }

    private string Seal(string seconds) =>
        Base64Url.EncodeToString(protector.KeyedHash("form-stamp", Encoding.ASCII.GetBytes(seconds)).AsSpan(0, 16));
}
