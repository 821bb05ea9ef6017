namespace Countersign.Abuse;

/// <summary>
/// Where a signature came from: keyed hashes of the IP address and of its network, never the address
/// (the two are stored with it); and for IPv6, of its wider /48, counted by the rate limits only.
/// </summary>
public sealed record HashedSource(byte[] Address, byte[] Network, byte[]? WideNetwork = null);
