using Countersign.Signing;

namespace Countersign.Tests.Signing;

public sealed class EmailAddressTests
{
    [Theory]
    [InlineData("amal@example.org")]
    [InlineData("first.last+tag@sub.example.co.uk")]
    [InlineData("o'brien@example.ie")]
    [InlineData("zoë@exämple.de")]
    [InlineData("用户@例子.中国")]
    [InlineData("  padded@example.org  ")]
    public void Should_accept_addresses_people_type(string address) => Assert.True(EmailAddress.IsValid(address));

    [Theory]
    [InlineData("")]
    [InlineData("plainaddress")]
    [InlineData("two@@example.org")]
    [InlineData("a@b@example.org")]
    [InlineData("@example.org")]
    [InlineData("name@localhost")]
    [InlineData("name@.example.org")]
    [InlineData("name@example.org.")]
    [InlineData(".name@example.org")]
    [InlineData("na..me@example.org")]
    [InlineData("name with space@example.org")]
    [InlineData("Amal <amal@example.org>")]
    [InlineData("name@exa_mple.org")]
    [InlineData("name@-example.org")]
    [InlineData("name\u0000@example.org")]
    public void Should_refuse_what_is_not_an_address(string address) => Assert.False(EmailAddress.IsValid(address));

    [Fact]
    public void Should_refuse_addresses_longer_than_254_characters() =>
        Assert.False(EmailAddress.IsValid(new string('a', 245) + "@example.org"));

    [Theory]
    [InlineData(" First.Last+news@GoogleMail.com ", "firstlast@gmail.com")]
    [InlineData("f.i.r.s.t@gmail.com", "first@gmail.com")]
    [InlineData("First.Last+tag@Example.org", "first.last+tag@example.org")]
    [InlineData("First.Last+petitions@Outlook.com", "first.last@outlook.com")]
    [InlineData("amal+cause@hotmail.fr", "amal@hotmail.fr")]
    [InlineData("amal+cause@live.co.uk", "amal@live.co.uk")]
    [InlineData("amal+cause@msn.com", "amal@msn.com")]
    [InlineData("amal+cause@icloud.com", "amal@icloud.com")]
    [InlineData("amal+cause@me.com", "amal@me.com")]
    [InlineData("amal+cause@mac.com", "amal@mac.com")]
    [InlineData("Amal.Haddad+cause@Proton.me", "amal.haddad@proton.me")]
    [InlineData("amal+cause@protonmail.com", "amal@protonmail.com")]
    [InlineData("amal+cause@protonmail.ch", "amal@protonmail.ch")]
    [InlineData("amal+cause@pm.me", "amal@pm.me")]
    [InlineData("amal+cause+more@fastmail.com", "amal@fastmail.com")]
    [InlineData("cause@amal.fastmail.com", "amal@fastmail.com")]
    [InlineData("cause@Amal.Fastmail.FM", "amal@fastmail.fm")]
    [InlineData("cause@deep.amal.fastmail.com", "cause@deep.amal.fastmail.com")]
    [InlineData("amal+cause@yahoo.com", "amal+cause@yahoo.com")]
    [InlineData("amal-cause@yahoo.com", "amal-cause@yahoo.com")]
    [InlineData("amal+cause@gmx.de", "amal+cause@gmx.de")]
    [InlineData("amal+cause@outlook.com.example.org", "amal+cause@outlook.com.example.org")]
    [InlineData("+cause@gmail.com", "+cause@gmail.com")]
    public void Should_normalise_so_the_same_person_is_recognised(string address, string normalised) =>
        Assert.Equal(normalised, EmailAddress.Normalise(address));
}
