using System.Globalization;
using Countersign.Campaigns;
using Countersign.Hosting;

namespace Countersign.Tests.Campaigns;

/// <summary>The signing form's countries: the names people use, in the reader's language and alphabetical order.</summary>
public sealed class CountriesTests
{
    /// <summary>Regions CLDR names that are not countries: the EU, the UN, "outlying Oceania", the euro area, "unknown", the world.</summary>
    private static readonly string[] Regions = ["EU", "UN", "QO", "EZ", "ZZ", "001"];

    private static readonly string[] SomeCountries = ["FR", "GB", "CN", "MK", "EG", "PS", "XK"];

    [Theory]
    [InlineData("en", "CN", "China")]
    [InlineData("fr", "CN", "Chine")]
    [InlineData("en", "MK", "North Macedonia")]
    [InlineData("fr", "MK", "Macédoine du Nord")]
    [InlineData("en", "EG", "Egypt")]
    [InlineData("fr", "EG", "Égypte")]
    [InlineData("en", "GB", "United Kingdom")]
    public void Should_name_a_country_as_people_do(string language, string code, string name)
    {
        using var reader = new CultureScope(language);
        Assert.Equal(name, Countries.Name(code));
        Assert.Contains(new Country(code, name), Countries.All());
    }

    [Theory]
    [InlineData("en")]
    [InlineData("fr")]
    public void Should_sort_countries_in_the_order_of_the_readers_alphabet(string language)
    {
        using var reader = new CultureScope(language);
        var culture = CultureInfo.GetCultureInfo(language);
        var names = Countries.All().Select(country => country.Name).ToList();
        var alphabetical = StringComparer.Create(culture, CompareOptions.IgnoreCase);
        Assert.All(names.Zip(names.Skip(1)), pair => Assert.True(alphabetical.Compare(pair.First, pair.Second) <= 0, $"{pair.First} comes before {pair.Second}."));

        // Accents do not send a name to the end: each name is filed under its base letter ("Égypte" under E, "Åland" under A).
        var initials = names.Select(name => FirstLetter(name, culture)).ToList();
        Assert.Equal(initials.Order(StringComparer.Ordinal), initials);
    }

    [Fact]
    public void Should_put_egypt_among_the_e_in_french()
    {
        using var reader = new CultureScope("fr");
        var names = Countries.All().Select(country => country.Name).ToList();
        var egypt = names.IndexOf("Égypte");

        // Danemark and Dominique come before it, Équateur and Espagne after, as in a French dictionary.
        Assert.True(names.IndexOf("Danemark") < egypt && names.IndexOf("Dominique") < egypt);
        Assert.True(egypt < names.IndexOf("Équateur") && egypt < names.IndexOf("Espagne"));
    }

    [Fact]
    public void Should_offer_the_iso_countries_and_no_other_region()
    {
        var codes = Countries.All().Select(country => country.Code).ToList();
        Assert.All(codes, code => Assert.True(code.Length == 2 && code.All(char.IsAsciiLetterUpper), code));
        Assert.Equal(codes.Count, codes.Distinct().Count());
        Assert.All(Regions, region => Assert.False(Countries.Exists(region), region));
        Assert.All(SomeCountries, country => Assert.True(Countries.Exists(country), country));
        Assert.True(codes.Count >= 249, $"Only {codes.Count} countries.");
    }

    /// <summary>The base letter a name is filed under: "É" under "E".</summary>
    private static string FirstLetter(string name, CultureInfo culture) =>
        name[..1].Normalize(System.Text.NormalizationForm.FormD)[..1].ToUpper(culture);
}
