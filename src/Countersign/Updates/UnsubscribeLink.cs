using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Countersign.Privacy;

namespace Countersign.Updates;

/// <summary>
/// The one-click unsubscribe link of every update email (<c>/u/TOKEN</c>, RFC 8058). It names a
/// signature and a host and is sealed with the server's key under its own purpose, like the erase
/// link: nothing is stored, it works for as long as the signature exists, and nobody can make one
/// up for someone else. Mail clients POST to it without cookies, so the token itself is the secret.
/// </summary>
public static class UnsubscribeLink
{
    private const string Purpose = "unsubscribe-link";
    private const int SealSize = 16;
    private const int NamedSize = sizeof(long) + sizeof(int);
    private const int Size = NamedSize + SealSize;

    public static string Create(PersonalDataProtector protector, long signatureId, int hostId)
    {
        var data = new byte[Size];
        BinaryPrimitives.WriteInt64BigEndian(data, signatureId);
        BinaryPrimitives.WriteInt32BigEndian(data.AsSpan(sizeof(long)), hostId);
        Seal(protector, data.AsSpan(0, NamedSize)).CopyTo(data.AsSpan(NamedSize));
        return Base64Url.EncodeToString(data);
    }

    /// <summary>The signature and host a genuine link names; null for anything we did not issue.</summary>
    public static (long SignatureId, int HostId)? Read(PersonalDataProtector protector, string? token)
    {
        if (token is not { Length: <= 2 * Size } || !Base64Url.IsValid(token))
        {
            return null;
        }

        var data = Base64Url.DecodeFromChars(token);
        if (data.Length != Size || !CryptographicOperations.FixedTimeEquals(Seal(protector, data.AsSpan(0, NamedSize)), data.AsSpan(NamedSize)))
        {
            return null;
        }

        return (BinaryPrimitives.ReadInt64BigEndian(data), BinaryPrimitives.ReadInt32BigEndian(data.AsSpan(sizeof(long))));
    }

    private static ReadOnlySpan<byte> Seal(PersonalDataProtector protector, ReadOnlySpan<byte> named) =>
        protector.KeyedHash(Purpose, named).AsSpan(0, SealSize);
}
