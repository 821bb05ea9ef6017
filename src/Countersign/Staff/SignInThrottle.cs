using System.Globalization;
using System.Net;
using System.Text;
using Countersign.Abuse;
using Countersign.Data;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Staff;

/// <summary>
/// Slows guessing down without locking anyone out: after a few attempts in a bucket, each next
/// attempt must wait twice as long as the one before (1 s, 2 s, 4 s... up to an hour), and is
/// not even checked before then. Buckets are per client network (an IPv4 /24 or IPv6 /64), so
/// guesses from an attacker's network do not slow the owner signing in from theirs, and per
/// address typed, so an address without an account is treated like one with. Second-factor codes
/// also have a bucket per account from every network: someone who has the password and many
/// networks must not get unlimited guesses at a 6-digit code.
/// </summary>
/// <remarks>
/// In the database, so several servers share the counts and a restart does not reset them. An
/// attempt is counted before it is checked, by a conditional UPDATE of the count it read: of
/// parallel attempts, each takes its own turn, and none slips past the count.
/// </remarks>
public sealed class SignInThrottle(CountersignDb db, PersonalDataProtector protector, TimeProvider clock)
{
    /// <summary>Attempts from one network, for one address or account, checked before any wait.</summary>
    public const int FreeAttempts = 3;

    /// <summary>Code attempts for one account from every network together, checked before any wait.</summary>
    public const int FreeCodeAttemptsPerAccount = 10;

    public static readonly TimeSpan FirstWait = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestWait = TimeSpan.FromHours(1);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromDays(1);

    private const int HashSize = NetworkAddresses.HashSize;
    private const int TakeTries = 5;

    /// <param name="Shared">
    /// A bucket of the whole account: a success takes back its own attempt instead of clearing the
    /// bucket, so the owner signing in does not hand a thief a fresh set of guesses.
    /// </param>
    public sealed record Bucket(byte[] Key, int Free, bool Shared = false);

    /// <summary>The password step, for what was typed as the address (known or not) from the client's network.</summary>
    public Bucket Password(string email, IPAddress? client) =>
        new(Hash("password", Encoding.UTF8.GetBytes(email.Trim().ToUpperInvariant()), client), FreeAttempts);

    /// <summary>Second-factor codes (and re-entered passwords) for an account from the client's network.</summary>
    public Bucket Code(int userId, IPAddress? client) =>
        new(Hash("code", Encoding.ASCII.GetBytes(userId.ToString(CultureInfo.InvariantCulture)), client), FreeAttempts);

    /// <summary>Second-factor codes for an account from every network.</summary>
    public Bucket CodeFromAnywhere(int userId) =>
        new(protector.KeyedHash("sign-in-code-anywhere", Encoding.ASCII.GetBytes(userId.ToString(CultureInfo.InvariantCulture))).AsSpan(0, HashSize).ToArray(), FreeCodeAttemptsPerAccount, Shared: true);

    /// <summary>How long the next attempt waits after <paramref name="count"/> attempts, <paramref name="free"/> of them without waiting.</summary>
    public static TimeSpan Wait(int count, int free) =>
        count < free ? TimeSpan.Zero
        : count - free >= 12 ? LongestWait
        : TimeSpan.FromTicks(Math.Min(LongestWait.Ticks, FirstWait.Ticks << (count - free)));

    /// <summary>
    /// Counts an attempt in each bucket, in order, before it is checked. Returns null if the attempt
    /// may go on, or the bucket that says to wait and for how long (buckets after it are not counted).
    /// </summary>
    public async Task<(Bucket Bucket, TimeSpan Wait)?> TryAttemptAsync(IEnumerable<Bucket> buckets, CancellationToken cancellationToken)
    {
        foreach (var bucket in buckets)
        {
            var wait = await TakeAsync(bucket, cancellationToken);
            if (wait > TimeSpan.Zero)
            {
                return (bucket, wait);
            }
        }

        return null;
    }

    /// <summary>The attempt succeeded: its buckets start again, and shared ones take back the attempt.</summary>
    public async Task SucceededAsync(IEnumerable<Bucket> buckets, CancellationToken cancellationToken)
    {
        foreach (var bucket in buckets)
        {
            var key = bucket.Key;
            if (bucket.Shared)
            {
                await db.SignInAttempts.Where(a => a.Key == key && a.Count > 0)
                    .ExecuteUpdateAsync(set => set.SetProperty(a => a.Count, a => a.Count - 1), cancellationToken);
            }
            else
            {
                await db.SignInAttempts.Where(a => a.Key == key).ExecuteDeleteAsync(cancellationToken);
            }
        }
    }

    /// <summary>Counts one attempt in the bucket, or returns how long it must wait first.</summary>
    private async Task<TimeSpan> TakeAsync(Bucket bucket, CancellationToken cancellationToken)
    {
        var key = bucket.Key;
        for (var tries = 0; tries < TakeTries; tries++)
        {
            var now = Now();
            var seen = await db.SignInAttempts.AsNoTracking().FirstOrDefaultAsync(a => a.Key == key, cancellationToken);
            if (seen is null)
            {
                var forgotten = now - ForgetAfter;
                await db.SignInAttempts.Where(a => a.LastAt < forgotten).ExecuteDeleteAsync(cancellationToken);
                var inserted = await db.Database.ExecuteSqlInterpolatedAsync(
                    $"""INSERT INTO "SignInAttempts" ("Key", "Count", "LastAt") VALUES ({key}, 1, {now}) ON CONFLICT ("Key") DO NOTHING""", cancellationToken);
                if (inserted == 1)
                {
                    return TimeSpan.Zero;
                }

                continue;
            }

            var stale = now - seen.LastAt >= ForgetAfter;
            var wait = stale ? TimeSpan.Zero : seen.LastAt + Wait(seen.Count, bucket.Free) - now;
            if (wait > TimeSpan.Zero)
            {
                return wait;
            }

            var count = stale ? 1 : seen.Count + 1;
            var taken = await db.SignInAttempts.Where(a => a.Key == key && a.Count == seen.Count && a.LastAt == seen.LastAt)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.Count, count).SetProperty(a => a.LastAt, now), cancellationToken);
            if (taken == 1)
            {
                return TimeSpan.Zero;
            }
        }

        // Others are trying the same bucket at this very moment: this attempt waits its turn.
        return FirstWait;
    }

    /// <summary>To the millisecond, which both databases keep exactly: a wait that is over compares as over.</summary>
    private DateTime Now()
    {
        var ticks = clock.GetUtcNow().UtcTicks;
        return new DateTime(ticks - (ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
    }

    private byte[] Hash(string purpose, byte[] subject, IPAddress? client)
    {
        var network = client is null ? [] : NetworkAddresses.NetworkOf(client);
        var data = new byte[subject.Length + 1 + network.Length];
        subject.CopyTo(data, 0);
        network.CopyTo(data, subject.Length + 1);
        return protector.KeyedHash("sign-in-" + purpose, data).AsSpan(0, HashSize).ToArray();
    }
}
