namespace Countersign.Abuse;

/// <summary>
/// The random salt of one day's IP address hashes. Only today's is kept: once a day's salt is
/// deleted, nobody (not even with the server's keys) can tell which address made that day's hashes.
/// </summary>
public sealed class IpSalt
{
    public DateOnly Day { get; set; }
    public required byte[] Salt { get; set; }
}
