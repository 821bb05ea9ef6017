using Countersign.Signing;

namespace Countersign.Tests.Signing;

public sealed class RegistrableDomainTests
{
    [Theory]
    [InlineData("gmail.com", "gmail.com")]
    [InlineData("Mail.Campus.Example.AC.UK.", "example.ac.uk")]
    [InlineData("a.b.flood.example", "flood.example")]
    [InlineData("someone.blogspot.com", "someone.blogspot.com")]
    [InlineData("a.b.kawasaki.jp", "a.b.kawasaki.jp")]
    [InlineData("www.city.kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("mail.食狮.com.cn", "食狮.com.cn")]
    [InlineData("xn--85x722f.com.cn", "食狮.com.cn")]
    [InlineData("co.uk", "co.uk")]
    public void Should_find_the_registrable_domain_by_the_public_suffix_list(string host, string expected) =>
        Assert.Equal(expected, RegistrableDomains.Of(host));
}
