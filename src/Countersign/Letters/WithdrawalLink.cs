using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Countersign.Privacy;

namespace Countersign.Letters;

/// <summary>
/// The link in every email to an organisation's contact that withdraws its co-signature. It names the co-signature and
/// is sealed with the server's key, so it needs no storage, works from any of the emails for as long as the
/// co-signature exists, and cannot be made up for another organisation.
/// </summary>
public static class WithdrawalLink
{
    private const int SealSize = 16;
    private const int Size = sizeof(long) + SealSize;

    public static string Create(PersonalDataProtector protector, long coSignatureId)
    {
        var data = new byte[Size];
        BinaryPrimitives.WriteInt64BigEndian(data, coSignatureId);
        Seal(protector, data.AsSpan(0, sizeof(long))).CopyTo(data.AsSpan(sizeof(long)));
        return Base64Url.EncodeToString(data);
    }

    /// <summary>The co-signature a genuine link names; null for anything we did not issue.</summary>
    public static long? Read(PersonalDataProtector protector, string? token)
    {
        if (token is not { Length: <= 2 * Size } || !Base64Url.IsValid(token))
        {
            return null;
        }

        var data = Base64Url.DecodeFromChars(token);
        if (data.Length != Size || !CryptographicOperations.FixedTimeEquals(Seal(protector, data.AsSpan(0, sizeof(long))), data.AsSpan(sizeof(long))))
        {
            return null;
        }

        return BinaryPrimitives.ReadInt64BigEndian(data);
    }

    private static ReadOnlySpan<byte> Seal(PersonalDataProtector protector, ReadOnlySpan<byte> named) =>
        protector.KeyedHash("withdrawal-link", named).AsSpan(0, SealSize);
}
