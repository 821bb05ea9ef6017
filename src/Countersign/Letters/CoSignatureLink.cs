using System.Buffers.Binary;
using System.Buffers.Text;
using System.Security.Cryptography;
using Countersign.Privacy;

namespace Countersign.Letters;

/// <summary>
/// A co-signature's number sealed with the server's key for one purpose: base64url of the number and the first 16 bytes
/// of a keyed hash of it, which only this server can make and which says nothing about the purpose it was made for. It
/// needs no storage, works for as long as the co-signature exists, and cannot be made up for another organisation; a
/// link sealed for one purpose opens nothing of another's.
/// </summary>
public sealed class CoSignatureLink
{
    /// <summary>The link in every email to an organisation's contact that withdraws its co-signature.</summary>
    public static readonly CoSignatureLink Withdrawal = new("withdrawal-link");

    /// <summary>
    /// The link to the page where an organisation proves its domain with a DNS record (<see cref="Letters.DomainProof"/>), in the
    /// emails sent once its contact confirmed their address.
    /// </summary>
    public static readonly CoSignatureLink DomainProof = new("domain-proof-link");

    private readonly string _purpose;

    private CoSignatureLink(string purpose) => _purpose = purpose;

    private const int SealSize = 16;
    private const int Size = sizeof(long) + SealSize;

    public string Create(PersonalDataProtector protector, long coSignatureId)
    {
        var data = new byte[Size];
        BinaryPrimitives.WriteInt64BigEndian(data, coSignatureId);
        Seal(protector, data.AsSpan(0, sizeof(long))).CopyTo(data.AsSpan(sizeof(long)));
        return Base64Url.EncodeToString(data);
    }

    /// <summary>The co-signature a genuine link names; null for anything we did not issue for this purpose.</summary>
    public long? Read(PersonalDataProtector protector, string? token)
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

    private ReadOnlySpan<byte> Seal(PersonalDataProtector protector, ReadOnlySpan<byte> named) =>
        protector.KeyedHash(_purpose, named).AsSpan(0, SealSize);
}
