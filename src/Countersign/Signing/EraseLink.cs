using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Countersign.Privacy;

namespace Countersign.Signing;

/// <summary>
/// The link in every email that lets a signer erase their signature. It names the signature by its
/// campaign and email key and is sealed with the server's key, so it needs no storage, works for as
/// long as the signature exists, and cannot be made up for someone else's address. Once the
/// signature is erased its email key is gone, and the link leads nowhere.
/// </summary>
public static class EraseLink
{
    private const int SealSize = 16;
    private const int EmailKeySize = 32;
    private const int Size = sizeof(int) + EmailKeySize + SealSize;

    public static string Create(PersonalDataProtector protector, int campaignId, byte[] emailKey)
    {
        var data = new byte[Size];
        BinaryPrimitives.WriteInt32BigEndian(data, campaignId);
        emailKey.CopyTo(data, sizeof(int));
        Seal(protector, data.AsSpan(0, sizeof(int) + EmailKeySize)).CopyTo(data.AsSpan(sizeof(int) + EmailKeySize));
        return Base64Url.EncodeToString(data);
    }

    /// <summary>The campaign and email key a genuine link names; null for anything we did not issue.</summary>
    public static (int CampaignId, byte[] EmailKey)? Read(PersonalDataProtector protector, string? token)
    {
        if (token is not { Length: <= 2 * Size } || !Base64Url.IsValid(token))
        {
            return null;
        }

        var data = Base64Url.DecodeFromChars(token);
        if (data.Length != Size || !CryptographicOperations.FixedTimeEquals(Seal(protector, data.AsSpan(0, sizeof(int) + EmailKeySize)), data.AsSpan(sizeof(int) + EmailKeySize)))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt32BigEndian(data), data[sizeof(int)..(sizeof(int) + EmailKeySize)]);
    }

    private static ReadOnlySpan<byte> Seal(PersonalDataProtector protector, ReadOnlySpan<byte> named) =>
        protector.KeyedHash("erase-link", named).AsSpan(0, SealSize);
}
