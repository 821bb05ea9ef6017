using System.Security.Cryptography;
using System.Text;

namespace Countersign.Privacy;

/// <summary>
/// Encrypts signers' personal data at rest (AES-256-GCM) and derives the keyed hashes used to find
/// duplicates (HMAC-SHA256) with a separate key, so a leaked database alone reveals neither.
/// </summary>
public sealed class PersonalDataProtector(PrivacyKeys keys) : IDisposable
{
    private const byte FormatVersion = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    // Setting up a cipher costs more than encrypting a name with it, and an AesGcm instance must
    // not be shared between threads at once: each thread keeps its own.
    private readonly ThreadLocal<AesGcm> _aes = new(() => new AesGcm(keys.EncryptionKey, TagSize), trackAllValues: true);

    public byte[] Encrypt(string plaintext) => Encrypt(Encoding.UTF8.GetBytes(plaintext));

    public byte[] Encrypt(ReadOnlySpan<byte> plaintext)
    {
        // Layout: version | nonce | tag | ciphertext. A random nonce per value is safe for GCM
        // well past any number of signatures a campaign will see under one key.
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = FormatVersion;
        var nonce = output.AsSpan(1, NonceSize);
        var tag = output.AsSpan(1 + NonceSize, TagSize);
        var ciphertext = output.AsSpan(1 + NonceSize + TagSize);
        RandomNumberGenerator.Fill(nonce);
        _aes.Value!.Encrypt(nonce, plaintext, ciphertext, tag);
        return output;
    }

    public string DecryptString(byte[] protectedValue) => Encoding.UTF8.GetString(Decrypt(protectedValue));

    public byte[] Decrypt(byte[] protectedValue)
    {
        if (protectedValue.Length < 1 + NonceSize + TagSize || protectedValue[0] != FormatVersion)
        {
            throw new CryptographicException("The value is not in Countersign's encrypted format.");
        }

        var nonce = protectedValue.AsSpan(1, NonceSize);
        var tag = protectedValue.AsSpan(1 + NonceSize, TagSize);
        var ciphertext = protectedValue.AsSpan(1 + NonceSize + TagSize);
        var plaintext = new byte[ciphertext.Length];
        _aes.Value!.Decrypt(nonce, ciphertext, tag, plaintext);
        return plaintext;
    }

    /// <summary>The duplicate-detection key of an already normalised email address.</summary>
    public byte[] EmailKey(string normalisedEmail) =>
        HMACSHA256.HashData(keys.HashingKey, Encoding.UTF8.GetBytes(normalisedEmail));

    /// <summary>A keyed hash for another use, separated by its purpose so no two uses can collide.</summary>
    public byte[] KeyedHash(string purpose, ReadOnlySpan<byte> data)
    {
        var prefix = Encoding.UTF8.GetBytes(purpose + "\0");
        var message = new byte[prefix.Length + data.Length];
        prefix.CopyTo(message, 0);
        data.CopyTo(message.AsSpan(prefix.Length));
        return HMACSHA256.HashData(keys.HashingKey, message);
    }

    public void Dispose()
    {
        foreach (var aes in _aes.Values)
        {
            aes.Dispose();
        }

        _aes.Dispose();
    }
}
