using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Countersign.Data;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Abuse;

/// <summary>
/// Turns a client's IP address into keyed hashes salted with the day's random salt, so that rate
/// limits and the moderators' report can tell sources apart while no stored value leads back to an
/// address. The network is the IPv4 /24 or IPv6 /64 an address belongs to: what one household,
/// office or attacker usually holds. An IPv6 address also has a wide network, its /48: what one
/// site or customer is usually given, so someone rotating through its 65,536 /64s is still one.
/// </summary>
public sealed class NetworkAddresses(IServiceScopeFactory scopes, PersonalDataProtector protector, TimeProvider clock) : IDisposable
{
    public const int HashSize = 16;

    private readonly SemaphoreSlim _rotating = new(1, 1);
    private volatile IpSalt? _today;

    public async Task<HashedSource?> HashAsync(IPAddress? address, CancellationToken cancellationToken = default)
    {
        if (address is null)
        {
            return null;
        }

        address = Unmapped(address);
        var salt = await SaltAsync(cancellationToken);
        var bytes = address.GetAddressBytes();
        var network = Hash(salt, "ip-network", NetworkOf(address));
        return address.AddressFamily == AddressFamily.InterNetwork
            ? new HashedSource(Hash(salt, "ip-address", bytes), network)
            : new HashedSource(Hash(salt, "ip-address", bytes), network, Hash(salt, "ip-wide-network", bytes.AsSpan(0, 6)));
    }

    /// <summary>An IPv4 address written as IPv6 (::ffff:a.b.c.d) as the IPv4 address it is; any other address as it is.</summary>
    public static IPAddress Unmapped(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>The bytes of the network an address belongs to: its IPv4 /24 or IPv6 /64.</summary>
    public static byte[] NetworkOf(IPAddress address)
    {
        address = Unmapped(address);
        var bytes = address.GetAddressBytes();
        return bytes[..(address.AddressFamily == AddressFamily.InterNetwork ? 3 : 8)];
    }

    /// <summary>The hash of a network as written in the moderators' report (hex), back to bytes; null if it is not one.</summary>
    public static byte[]? ParseNetworkHash(string? hex) =>
        hex is { Length: HashSize * 2 } && hex.All(Uri.IsHexDigit) ? Convert.FromHexString(hex) : null;

    private byte[] Hash(byte[] salt, string purpose, ReadOnlySpan<byte> address)
    {
        var salted = new byte[salt.Length + address.Length];
        salt.CopyTo(salted, 0);
        address.CopyTo(salted.AsSpan(salt.Length));
        return protector.KeyedHash(purpose, salted).AsSpan(0, HashSize).ToArray();
    }

    private async Task<byte[]> SaltAsync(CancellationToken cancellationToken)
    {
        var day = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (_today is { } today && today.Day == day)
        {
            return today.Salt;
        }

        await _rotating.WaitAsync(cancellationToken);
        try
        {
            if (_today is not { } current || current.Day != day)
            {
                _today = await TodaysSaltAsync(day, cancellationToken);
            }

            return _today.Salt;
        }
        finally
        {
            _rotating.Release();
        }
    }

    /// <summary>
    /// The day's salt from the database, made by whichever server needs it first (so every server
    /// hashes alike), with the earlier days' salts deleted.
    /// </summary>
    private async Task<IpSalt> TodaysSaltAsync(DateOnly day, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var salt = RandomNumberGenerator.GetBytes(32);
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"""INSERT INTO "IpSalts" ("Day", "Salt") VALUES ({day}, {salt}) ON CONFLICT ("Day") DO NOTHING""", cancellationToken);
        await db.IpSalts.Where(s => s.Day < day).ExecuteDeleteAsync(cancellationToken);
        return await db.IpSalts.AsNoTracking().SingleAsync(s => s.Day == day, cancellationToken);
    }

    public void Dispose() => _rotating.Dispose();
}
