using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Countersign.Privacy;
using Microsoft.Extensions.Options;

namespace Countersign.Signing;

/// <summary>
/// Server side of the ALTCHA widget (npm package altcha, protocol v2, SHA-256): challenges signed
/// with a keyed hash, solutions checked, and spent challenges remembered until they expire so a
/// solution is good for one signature. Nothing leaves this server: no third-party service.
/// </summary>
/// <remarks>
/// The browser searches for the counter whose SHA-256(salt ‖ nonce ‖ counter as 4 big-endian bytes)
/// starts with the challenge's key prefix; we pick that counter at random up to the current
/// maximum, so the work is what we ask for. The parameters' keyed signature also covers the
/// campaign and the form the challenge is for (the widget never sees them, so its JSON is the
/// protocol's own): a challenge from a quiet campaign cannot dodge a busy one's harder ones, and
/// one for the comment form cannot sign. Spent challenges are checked twice: here in memory,
/// at once, and by the intake's writer in the database (<see cref="SpentChallenge"/>), which
/// catches a solution replayed after a restart or to another server of the same database.
/// </remarks>
public sealed class ProofOfWork(PersonalDataProtector protector, TimeProvider clock, IOptions<ProofOfWorkOptions> options)
{
    public const string Algorithm = "SHA-256";
    public const string FormField = "altcha";
    private const int KeyLength = 32;
    private const int PrefixBytes = 16;

    private readonly ConcurrentDictionary<string, long> _spent = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, SigningRate> _rates = new();
    private long _nextPurge;

    public bool Enabled => options.Value.Enabled;

    /// <summary>A new challenge for one of this campaign's forms, as the widget's JSON.</summary>
    public string CreateChallenge(int campaignId, ProofOfWorkPurpose purpose)
    {
        var settings = options.Value;
        var maxNumber = Math.Max(1, settings.MaxNumber);
        if (_rates.TryGetValue(campaignId, out var rate) && rate.PerMinute(clock.GetUtcNow()) > settings.SpikeSignaturesPerMinute)
        {
            maxNumber = (int)Math.Min(int.MaxValue, (long)maxNumber * Math.Max(1, settings.SpikeFactor));
        }

        var nonce = RandomNumberGenerator.GetBytes(16);
        var salt = RandomNumberGenerator.GetBytes(16);
        var counter = (uint)RandomNumberGenerator.GetInt32(maxNumber / 2, maxNumber + 1);
        var expiresAt = clock.GetUtcNow().ToUnixTimeSeconds() + Math.Clamp(settings.ExpirySeconds, 10, 600);
        var parameters = new ChallengeParameters(
            Convert.ToHexStringLower(DeriveKey(salt, nonce, counter).AsSpan(0, PrefixBytes)),
            Convert.ToHexStringLower(nonce),
            Convert.ToHexStringLower(salt),
            expiresAt);
        var canonical = parameters.CanonicalJson();
        return $$"""{"parameters":{{canonical}},"signature":"{{Sign(canonical, campaignId, purpose)}}"}""";
    }

    /// <summary>
    /// Checks the widget's payload (the form field <see cref="FormField"/>) sent with this campaign's
    /// form, and spends the challenge. A challenge made for another campaign or form is invalid here.
    /// </summary>
    public ProofOfWorkResult Check(string? payload, int campaignId, ProofOfWorkPurpose purpose) => Check(payload, campaignId, purpose, out _);

    /// <inheritdoc cref="Check(string?, int, ProofOfWorkPurpose)"/>
    /// <param name="spent">The challenge this solution spent, for the database's record of spent challenges.</param>
    public ProofOfWorkResult Check(string? payload, int campaignId, ProofOfWorkPurpose purpose, out SpentChallenge? spent)
    {
        spent = null;
        if (string.IsNullOrWhiteSpace(payload))
        {
            return ProofOfWorkResult.Missing;
        }

        if (Parse(payload) is not var (parameters, signature, counter, derivedKey))
        {
            return ProofOfWorkResult.Invalid;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(parameters.CanonicalJson(), campaignId, purpose)), Encoding.ASCII.GetBytes(signature)))
        {
            return ProofOfWorkResult.Invalid;
        }

        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (parameters.ExpiresAt < now)
        {
            return ProofOfWorkResult.Expired;
        }

        var key = Convert.ToHexStringLower(DeriveKey(Convert.FromHexString(parameters.Salt), Convert.FromHexString(parameters.Nonce), counter));
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(key), Encoding.ASCII.GetBytes(derivedKey))
            || !key.StartsWith(parameters.KeyPrefix, StringComparison.Ordinal))
        {
            return ProofOfWorkResult.Invalid;
        }

        PurgeExpired(now);
        if (!_spent.TryAdd(parameters.Nonce, parameters.ExpiresAt))
        {
            return ProofOfWorkResult.Replayed;
        }

        _rates.GetOrAdd(campaignId, _ => new SigningRate()).Add(clock.GetUtcNow());
        spent = new SpentChallenge { Nonce = Convert.FromHexString(parameters.Nonce), ExpiresAt = DateTimeOffset.FromUnixTimeSeconds(parameters.ExpiresAt).UtcDateTime };
        return ProofOfWorkResult.Solved;
    }

    /// <summary>The widget's derivation for SHA-256 with cost 1: SHA-256(salt ‖ nonce ‖ counter as uint32 big-endian).</summary>
    public static byte[] DeriveKey(ReadOnlySpan<byte> salt, ReadOnlySpan<byte> nonce, uint counter)
    {
        Span<byte> input = stackalloc byte[salt.Length + nonce.Length + 4];
        salt.CopyTo(input);
        nonce.CopyTo(input[salt.Length..]);
        BinaryPrimitives.WriteUInt32BigEndian(input[(salt.Length + nonce.Length)..], counter);
        return SHA256.HashData(input);
    }

    /// <summary>
    /// What the browser widget does with a challenge: searches the counter from 0 and answers with
    /// the payload it would post. The server never calls this; the test suite and the bench do, to
    /// sign as a browser would.
    /// </summary>
    public static string SolveLikeTheWidget(string challengeJson)
    {
        using var challenge = JsonDocument.Parse(challengeJson);
        var parameters = challenge.RootElement.GetProperty("parameters");
        var salt = Convert.FromHexString(parameters.GetProperty("salt").GetString()!);
        var nonce = Convert.FromHexString(parameters.GetProperty("nonce").GetString()!);
        var prefix = parameters.GetProperty("keyPrefix").GetString()!;
        for (uint counter = 0; counter < uint.MaxValue; counter++)
        {
            var key = Convert.ToHexStringLower(DeriveKey(salt, nonce, counter));
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                var payload = $$$"""{"challenge":{"parameters":{{{parameters.GetRawText()}}},"signature":"{{{challenge.RootElement.GetProperty("signature").GetString()}}}"},"solution":{"counter":{{{counter}}},"derivedKey":"{{{key}}}","time":1}}""";
                return Convert.ToBase64String(Encoding.UTF8.GetBytes(payload));
            }
        }

        throw new ArgumentException("The challenge has no solution.", nameof(challengeJson));
    }

    /// <summary>The keyed signature of a challenge's parameters for one campaign's form: valid for that form only.</summary>
    private string Sign(string canonicalParameters, int campaignId, ProofOfWorkPurpose purpose)
    {
        var form = purpose switch
        {
            ProofOfWorkPurpose.Signing => "signing",
            ProofOfWorkPurpose.Comment => "comment",
            ProofOfWorkPurpose.CoSignature => "cosign",
            _ => throw new ArgumentOutOfRangeException(nameof(purpose)),
        };
        return Convert.ToHexStringLower(protector.KeyedHash(
            string.Create(CultureInfo.InvariantCulture, $"altcha-challenge:{form}:{campaignId}"), Encoding.UTF8.GetBytes(canonicalParameters)));
    }

    /// <summary>
    /// Reads base64(JSON {challenge: {parameters, signature}, solution: {counter, derivedKey}}),
    /// accepting only the parameters we issue, so anything else is simply invalid.
    /// </summary>
    private static (ChallengeParameters Parameters, string Signature, uint Counter, string DerivedKey)? Parse(string payload)
    {
        try
        {
            using var document = JsonDocument.Parse(Convert.FromBase64String(payload.Trim()));
            var root = document.RootElement;
            var challenge = root.GetProperty("challenge");
            var solution = root.GetProperty("solution");
            var parameters = challenge.GetProperty("parameters");
            if (parameters.GetProperty("algorithm").GetString() != Algorithm
                || parameters.GetProperty("cost").GetInt32() != 1
                || parameters.GetProperty("keyLength").GetInt32() != KeyLength
                || parameters.EnumerateObject().Count() != 7)
            {
                return null;
            }

            var issued = new ChallengeParameters(
                Hex(parameters.GetProperty("keyPrefix")),
                Hex(parameters.GetProperty("nonce")),
                Hex(parameters.GetProperty("salt")),
                parameters.GetProperty("expiresAt").GetInt64());
            var derivedKey = Hex(solution.GetProperty("derivedKey"));
            return (issued, Hex(challenge.GetProperty("signature")), solution.GetProperty("counter").GetUInt32(), derivedKey);
        }
        catch (Exception exception) when (exception is FormatException or JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>A lowercase hex string of whole bytes, or a FormatException.</summary>
    private static string Hex(JsonElement element)
    {
        var value = element.GetString() ?? "";
        if (value.Length == 0 || value.Length % 2 != 0 || value.Length > 128 || !value.All(c => char.IsAsciiDigit(c) || c is >= 'a' and <= 'f'))
        {
            throw new FormatException("Not lowercase hex.");
        }

        return value;
    }

    private void PurgeExpired(long now)
    {
        // Every minute at most, drop challenges past their expiry: they fail on expiry anyway.
        var next = Interlocked.Read(ref _nextPurge);
        if (now < next || Interlocked.CompareExchange(ref _nextPurge, now + 60, next) != next)
        {
            return;
        }

        foreach (var (nonce, expiresAt) in _spent)
        {
            if (expiresAt < now)
            {
                _spent.TryRemove(nonce, out _);
            }
        }
    }

    private sealed record ChallengeParameters(string KeyPrefix, string Nonce, string Salt, long ExpiresAt)
    {
        /// <summary>The widget's canonical form: keys sorted, no spaces (every value here is ASCII).</summary>
        public string CanonicalJson() => string.Create(CultureInfo.InvariantCulture,
            $$"""{"algorithm":"{{Algorithm}}","cost":1,"expiresAt":{{ExpiresAt}},"keyLength":{{KeyLength}},"keyPrefix":"{{KeyPrefix}}","nonce":"{{Nonce}}","salt":"{{Salt}}"}""");
    }

    /// <summary>Solved challenges per minute for one campaign, counted in one-second buckets.</summary>
    private sealed class SigningRate
    {
        private readonly long[] _seconds = new long[60];
        private readonly int[] _counts = new int[60];

        public void Add(DateTimeOffset now)
        {
            var second = now.ToUnixTimeSeconds();
            var slot = (int)(second % 60);
            lock (_counts)
            {
                if (_seconds[slot] != second)
                {
                    _seconds[slot] = second;
                    _counts[slot] = 0;
                }

                _counts[slot]++;
            }
        }

        public int PerMinute(DateTimeOffset now)
        {
            var second = now.ToUnixTimeSeconds();
            lock (_counts)
            {
                var total = 0;
                for (var i = 0; i < 60; i++)
                {
                    if (second - _seconds[i] < 60)
                    {
                        total += _counts[i];
                    }
                }

                return total;
            }
        }
    }
}
