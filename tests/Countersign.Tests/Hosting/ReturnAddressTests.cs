using Countersign.Staff;

namespace Countersign.Tests.Hosting;

/// <summary>Addresses to go back to, read from a request: only this site's, and only as ASCII a Location header can carry.</summary>
public sealed class ReturnAddressTests
{
    [Theory]
    [InlineData("/staff/campaigns/1/trends", "/staff/campaigns/1/trends")]
    [InlineData("/staff/été", "/staff/%C3%A9t%C3%A9")]
    [InlineData("/staff/a b", "/staff/a%20b")]
    [InlineData("/staff/\t", "/staff")]
    [InlineData("//evil.example/staff/", "/staff")]
    [InlineData("/staff/..\\evil", "/staff")]
    [InlineData("/c/stop-the-cameras", "/staff")]
    [InlineData(null, "/staff")]
    public void Should_keep_staff_return_paths_on_the_site_and_in_ascii(string? returnUrl, string expected) =>
        Assert.Equal(expected, StaffSignIn.ReturnPath(returnUrl));

    [Fact]
    public void Should_encode_a_lone_surrogate_as_the_replacement_character()
    {
        // Built here: xunit's test case names would mangle a lone surrogate given in InlineData.
        Assert.Equal("/staff/%EF%BF%BDx%F0%9F%99%82", StaffSignIn.ReturnPath("/staff/" + '\uD800' + "x\U0001F642"));
    }
}
