using System.Text.Json;

namespace Countersign.Campaigns;

/// <summary>
/// The countries' outlines for the figures page's map: Natural Earth at 1:110m (npm world-atlas) in the Equal Earth
/// projection, as SVG path data keyed by ISO 3166-1 alpha-2 code, made at build time by scripts/world-map.mjs and
/// embedded. Territories without an ISO code (Kosovo, Northern Cyprus, Somaliland) are drawn but never shaded.
/// </summary>
public static class WorldMap
{
    /// <summary>How many shades of the map's colour tell the counts apart, lightest to darkest.</summary>
    public const int ShadeCount = 5;

    private static readonly Outlines Drawn = Load();

    public static int Width => Drawn.Width;

    public static int Height => Drawn.Height;

    /// <summary>Every country's outline, in a stable order (by code) so that the page is the same for every reader.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Countries { get; } = Drawn.Countries.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();

    /// <summary>The outlines of the territories that have no ISO code, drawn as one unshaded path.</summary>
    public static string Unnamed => Drawn.Unnamed;

    /// <summary>
    /// The shades for counts from <see cref="CampaignFigures.FewestSignersShownByCountry"/> to <paramref name="largest"/>, on a
    /// logarithmic scale (a country with 10 times the signers is a fixed number of shades darker), so that one country
    /// with most of the signatures leaves the others distinguishable. Shades no whole count falls in are left out.
    /// </summary>
    public static IReadOnlyList<Shade> ShadesFor(int largest)
    {
        var fewest = CampaignFigures.FewestSignersShownByCountry;
        largest = Math.Max(largest, fewest);
        double Bound(int step) => fewest * Math.Pow((double)largest / fewest, (double)step / ShadeCount);
        var shades = new List<Shade>();
        for (var step = 1; step <= ShadeCount; step++)
        {
            var from = step == 1 ? fewest : (int)Math.Ceiling(Bound(step - 1));
            var to = step == ShadeCount ? largest : (int)Math.Ceiling(Bound(step)) - 1;
            if (from <= to)
            {
                shades.Add(new Shade(step, from, to));
            }
        }

        return shades;
    }

    private static Outlines Load()
    {
        using var stream = typeof(WorldMap).Assembly.GetManifestResourceStream("Countersign.WorldMap.json")
            ?? throw new InvalidOperationException("The build did not embed the world map: run npm ci in the repository root, then build again.");
        return JsonSerializer.Deserialize<Outlines>(stream, JsonSerializerOptions.Web)
            ?? throw new InvalidOperationException("The embedded world map is empty.");
    }

    private sealed record Outlines(int Width, int Height, Dictionary<string, string> Countries, string Unnamed);
}

/// <summary>One shade of the map: the counts from <paramref name="From"/> to <paramref name="To"/>, both included.</summary>
/// <param name="Step">1 for the lightest to <see cref="WorldMap.ShadeCount"/> for the darkest.</param>
public sealed record Shade(int Step, int From, int To)
{
    public bool Holds(int count) => count >= From && count <= To;
}
