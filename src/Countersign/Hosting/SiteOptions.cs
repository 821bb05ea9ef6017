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

    /// <summary>The host name requests must name (see <see cref="CountersignApp"/>), as browsers send it: IDN in Punycode, IPv6 in brackets.</summary>
    public string Host
    {
        get
        {
            var url = new Uri(PublicUrl);
            return url.HostNameType == UriHostNameType.IPv6 ? url.Host : url.IdnHost;
        }
    }

    public static bool IsWebAddress(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp) && parsed.Host.Length > 0;

    public string Link(string path) => PublicUrl.TrimEnd('/') + "/" + path.TrimStart('/');
}
