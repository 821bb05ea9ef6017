using System.Net;
using Countersign.Letters;

namespace Countersign.Tests.Letters;

/// <summary><c>Letters:DnsServers</c> names resolvers by address, with or without a port; anything else is refused at start.</summary>
public sealed class LetterOptionsTests
{
    [Fact]
    public void Should_read_resolvers_by_address_with_port_53_unless_told_otherwise()
    {
        var options = new LetterOptions { DnsServers = ["192.0.2.53", " 127.0.0.1:5353 ", "[2001:db8::53]:5300", "2001:db8::1"] };
        Assert.Equal(
            [new IPEndPoint(IPAddress.Parse("192.0.2.53"), 53), new IPEndPoint(IPAddress.Loopback, 5353),
             new IPEndPoint(IPAddress.Parse("2001:db8::53"), 5300), new IPEndPoint(IPAddress.Parse("2001:db8::1"), 53)],
            options.DnsServerEndPoints()!);
        Assert.Empty(new LetterOptions().DnsServerEndPoints()!);
    }

    [Theory]
    [InlineData("dns.example.org")]
    [InlineData("127.0.0.1:99999")]
    [InlineData("")]
    [InlineData("127.0.0.1:53; 10.0.0.1")]
    public void Should_refuse_a_resolver_that_is_not_an_address(string server)
    {
        var options = new LetterOptions { DnsServers = [server] };
        Assert.Null(options.DnsServerEndPoints());
        Assert.Equal(LetterOptions.DnsServersProblem, Assert.Throws<InvalidOperationException>(options.LookupClient).Message);
    }
}
