using Countersign.Hosting;

namespace Countersign.Tests.Hosting;

/// <summary>An id in an address has one spelling: the one the site writes.</summary>
public sealed class CanonicalIdTests
{
    [Theory]
    [InlineData("1", 1)]
    [InlineData("42", 42)]
    [InlineData("2147483647", int.MaxValue)]
    public void Should_read_the_digits_the_site_writes(string text, int expected)
    {
        Assert.True(CanonicalId.TryParse(text, out int id));
        Assert.Equal(expected, id);
        Assert.True(CanonicalId.TryParse(text, out long wide));
        Assert.Equal(expected, wide);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData("-1")]
    [InlineData(" 1")]
    [InlineData("1 ")]
    [InlineData("1.0")]
    [InlineData("1e0")]
    [InlineData("0x1")]
    [InlineData("\uFF11")]
    [InlineData("\u0661")]
    [InlineData("2147483648")]
    public void Should_refuse_every_other_spelling_of_an_int_id(string? text)
    {
        Assert.False(CanonicalId.TryParse(text, out int id));
        Assert.Equal(0, id);
    }

    [Fact]
    public void Should_read_long_ids_up_to_their_range_and_no_further()
    {
        Assert.True(CanonicalId.TryParse("9223372036854775807", out long largest));
        Assert.Equal(long.MaxValue, largest);
        Assert.False(CanonicalId.TryParse("9223372036854775808", out long _));
        Assert.False(CanonicalId.TryParse(new string('9', 40), out long _));
    }
}
