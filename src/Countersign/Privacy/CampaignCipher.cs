using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Countersign.Privacy;

/// <summary>
/// Encrypts and decrypts one campaign's personal data (names, emails, postcodes) with the
/// campaign's own key, AES-256-GCM. Values written before campaigns had keys (format 1, under the
/// master key) are still read through <see cref="PersonalDataProtector"/>.
/// </summary>
public sealed class CampaignCipher : IDisposable
{
    private const byte FormatVersion = 2;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly byte[] _key;
    private readonly byte[] _associatedData;
    private readonly PersonalDataProtector _legacy;

    // As in PersonalDataProtector: an AesGcm must not be shared between threads at once.
    private readonly ThreadLocal<AesGcm> _aes;

    public CampaignCipher(int campaignId, byte[] key, PersonalDataProtector legacy)
    {
        CampaignId = campaignId;
        _key = key;
        _legacy = legacy;

        // Binds every value to its campaign: a value copied into another campaign's row does not decrypt.
        _associatedData = new byte[sizeof(int)];
        BinaryPrimitives.WriteInt32BigEndian(_associatedData, campaignId);
        _aes = new ThreadLocal<AesGcm>(() => new AesGcm(_key, TagSize), trackAllValues: true);
    }

    public int CampaignId { get; }

    public byte[] Encrypt(string plaintext)
    {
        var bytes = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[1 + NonceSize + TagSize + bytes.Length];
        output[0] = FormatVersion;
        RandomNumberGenerator.Fill(output.AsSpan(1, NonceSize));
        _aes.Value!.Encrypt(output.AsSpan(1, NonceSize), bytes, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), _associatedData);
        return output;
    }

    public string DecryptString(byte[] protectedValue)
    {
        if (protectedValue.Length > 0 && protectedValue[0] != FormatVersion)
        {
            return _legacy.DecryptString(protectedValue);
        }

        if (protectedValue.Length < 1 + NonceSize + TagSize)
        {
            throw new CryptographicException("The value is not in Countersign's encrypted format.");
        }

        var plaintext = new byte[protectedValue.Length - 1 - NonceSize - TagSize];
        _aes.Value!.Decrypt(protectedValue.AsSpan(1, NonceSize), protectedValue.AsSpan(1 + NonceSize + TagSize), protectedValue.AsSpan(1 + NonceSize, TagSize), plaintext, _associatedData);
        return Encoding.UTF8.GetString(plaintext);
    }

    public void Dispose()
    {
        foreach (var aes in _aes.Values)
        {
            aes.Dispose();
        }

        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_key);
    }
}
