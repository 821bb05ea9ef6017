using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Countersign.Data;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Privacy;

/// <summary>
/// Each campaign's data key: made on first use, stored wrapped by the master key, unwrapped once
/// per server and kept in memory. Every server of one database finds the same key, whichever made it.
/// </summary>
public sealed class CampaignKeys(IServiceScopeFactory scopes, PrivacyKeys keys, PersonalDataProtector protector, TimeProvider clock) : IDisposable
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly ConcurrentDictionary<int, Lazy<Task<CampaignCipher>>> _ciphers = new();

    /// <summary>The campaign's cipher, making its key if it has none yet (signing).</summary>
    public async Task<CampaignCipher> ForCampaignAsync(int campaignId, CancellationToken cancellationToken = default)
    {
        var cipher = _ciphers.GetOrAdd(campaignId, id => new Lazy<Task<CampaignCipher>>(() => LoadOrCreateAsync(id)));
        try
        {
            return await cipher.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (cipher.Value.IsFaulted)
        {
            // A failed load (the database busy, say) must not stay cached as the campaign's cipher.
            _ciphers.TryRemove(new KeyValuePair<int, Lazy<Task<CampaignCipher>>>(campaignId, cipher));
            throw;
        }
    }

    /// <summary>
    /// Destroys the campaign's key (crypto-shredding), in the caller's transaction. Once committed,
    /// call <see cref="Forget"/> so this server drops its copy too.
    /// </summary>
    public static Task ShredAsync(CountersignDb db, int campaignId, CancellationToken cancellationToken = default) =>
        db.CampaignKeys.Where(k => k.CampaignId == campaignId).ExecuteDeleteAsync(cancellationToken);

    public void Forget(int campaignId)
    {
        if (_ciphers.TryRemove(campaignId, out var cipher) && cipher.IsValueCreated && cipher.Value.IsCompletedSuccessfully)
        {
            cipher.Value.Result.Dispose();
        }
    }

    /// <summary>Unwraps a stored key: for tools that read the database directly (the bench's checks).</summary>
    public static byte[] Unwrap(PrivacyKeys keys, int campaignId, byte[] wrapped)
    {
        var key = new byte[PrivacyKeys.KeySize];
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        aes.Decrypt(wrapped.AsSpan(0, NonceSize), wrapped.AsSpan(NonceSize + TagSize), wrapped.AsSpan(NonceSize, TagSize), key, AssociatedData(campaignId));
        return key;
    }

    private static byte[] Wrap(PrivacyKeys keys, int campaignId, byte[] key)
    {
        var wrapped = new byte[NonceSize + TagSize + key.Length];
        RandomNumberGenerator.Fill(wrapped.AsSpan(0, NonceSize));
        using var aes = new AesGcm(keys.EncryptionKey, TagSize);
        aes.Encrypt(wrapped.AsSpan(0, NonceSize), key, wrapped.AsSpan(NonceSize + TagSize), wrapped.AsSpan(NonceSize, TagSize), AssociatedData(campaignId));
        return wrapped;
    }

    private static byte[] AssociatedData(int campaignId)
    {
        var data = new byte[sizeof(int) + 13];
        "campaign-key\0"u8.CopyTo(data);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(13), campaignId);
        return data;
    }

    private async Task<CampaignCipher> LoadOrCreateAsync(int campaignId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CountersignDb>();
        var stored = await db.CampaignKeys.AsNoTracking().SingleOrDefaultAsync(k => k.CampaignId == campaignId);
        if (stored is null)
        {
            var fresh = Wrap(keys, campaignId, RandomNumberGenerator.GetBytes(PrivacyKeys.KeySize));
            var now = clock.GetUtcNow().UtcDateTime;
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""INSERT INTO "CampaignKeys" ("CampaignId", "WrappedKey", "CreatedAt") VALUES ({campaignId}, {fresh}, {now}) ON CONFLICT ("CampaignId") DO NOTHING""");
            stored = await db.CampaignKeys.AsNoTracking().SingleAsync(k => k.CampaignId == campaignId);
        }

        return new CampaignCipher(campaignId, Unwrap(keys, campaignId, stored.WrappedKey), protector);
    }

    public void Dispose()
    {
        foreach (var campaignId in _ciphers.Keys)
        {
            Forget(campaignId);
        }
    }
}
