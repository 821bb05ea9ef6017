using System.ComponentModel.DataAnnotations;
using System.Net;
using DnsClient;

namespace Countersign.Letters;

/// <summary><c>Letters:*</c>: how open letters check what organisations say of themselves.</summary>
public sealed class LetterOptions
{
    public const string Section = "Letters";

    public const string DnsServersProblem = "Letters:DnsServers must name DNS resolvers by IP address, with an optional port: 192.0.2.53, 127.0.0.1:5353 or [2001:db8::53]:53.";

    /// <summary>
    /// The resolvers that look up organisations' DNS TXT records (<see cref="DomainProof"/>), as "address" or
    /// "address:port"; empty (the default) uses the machine's own resolvers. An address, not a name: looking up the
    /// resolver's name would need a resolver first.
    /// </summary>
    public List<string> DnsServers { get; set; } = [];

    /// <summary>How long one lookup may wait for a resolver's answer: the contact is waiting for the page.</summary>
    [Range(1, 30)]
    public int DnsTimeoutSeconds { get; set; } = 3;

    /// <summary>The resolvers named, or none for the machine's own; null when one of them is not an address.</summary>
    public IReadOnlyList<IPEndPoint>? DnsServerEndPoints()
    {
        var endPoints = new List<IPEndPoint>();
        foreach (var server in DnsServers)
        {
            if (!IPEndPoint.TryParse(server.Trim(), out var endPoint))
            {
                return null;
            }

            endPoints.Add(endPoint.Port == 0 ? new IPEndPoint(endPoint.Address, NameServer.DefaultPort) : endPoint);
        }

        return endPoints;
    }

    /// <summary>
    /// A client for these resolvers that asks once more after a lost packet and then gives up, and keeps no cache: a
    /// contact who just published the record and checks again must be answered afresh.
    /// </summary>
    public LookupClient LookupClient()
    {
        var servers = DnsServerEndPoints() ?? throw new InvalidOperationException(DnsServersProblem);
        var options = servers.Count == 0 ? new LookupClientOptions() : new LookupClientOptions([.. servers]);
        options.Timeout = TimeSpan.FromSeconds(DnsTimeoutSeconds);
        options.Retries = 1;
        options.UseCache = false;
        options.ThrowDnsErrors = false;
        options.ContinueOnEmptyResponse = false;
        return new LookupClient(options);
    }
}
