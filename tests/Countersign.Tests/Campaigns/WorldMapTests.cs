using Countersign.Campaigns;

namespace Countersign.Tests.Campaigns;

/// <summary>The world map the build draws for the figures page, and the shades that tell its counts apart.</summary>
public sealed class WorldMapTests
{
    [Fact]
    public void Should_hold_the_outlines_of_the_countries_by_iso_code_inside_the_map()
    {
        var outlines = WorldMap.Countries.ToDictionary(c => c.Key, c => c.Value);

        Assert.All(["FR", "US", "BR", "PS", "ZA", "IN"], code => Assert.StartsWith("M", outlines[code], StringComparison.Ordinal));
        Assert.All(outlines.Keys, code => Assert.True(Countries.Exists(code), code));
        Assert.DoesNotContain("AQ", outlines.Keys);
        Assert.NotEmpty(WorldMap.Unnamed);
        Assert.InRange(WorldMap.Height, WorldMap.Width / 3, WorldMap.Width / 2);
    }

    [Theory]
    [InlineData(CampaignFigures.FewestSignersShownByCountry)]
    [InlineData(CampaignFigures.FewestSignersShownByCountry + 2)]
    [InlineData(342)]
    [InlineData(95_000)]
    public void Should_shade_every_count_that_is_shown_once_darker_for_more(int largest)
    {
        var shades = WorldMap.ShadesFor(largest);

        var counts = Enumerable.Range(CampaignFigures.FewestSignersShownByCountry, largest - CampaignFigures.FewestSignersShownByCountry + 1);
        Assert.All(counts, count => Assert.Single(shades, shade => shade.Holds(count)));
        Assert.Equal(WorldMap.ShadeCount, shades[^1].Step);
        Assert.Equal(shades.Select(s => s.Step).Order(), shades.Select(s => s.Step));
        Assert.All(shades.Zip(shades.Skip(1)), pair => Assert.Equal(pair.First.To + 1, pair.Second.From));
        Assert.Equal(largest >= 10 * CampaignFigures.FewestSignersShownByCountry ? WorldMap.ShadeCount : shades.Count, shades.Count);
    }
}
