namespace Countersign.Hosting;

/// <summary><c>Site:*</c> configuration.</summary>
public sealed class SiteOptions
{
    public const string Section = "Site";

    /// <summary>
    /// The address people reach the site at, used in links inside emails. Links are never built from
    /// the request's Host header, which a client controls.
    /// </summary>
    public string PublicUrl { get; set; } = "http://localhost:5000";

    public string Name { get; set; } = "Countersign";

    public string Link(string path) => PublicUrl.TrimEnd('/') + "/" + path.TrimStart('/');
}
