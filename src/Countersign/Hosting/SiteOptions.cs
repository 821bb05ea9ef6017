using System.Net.Mail;

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

    /// <summary>Who runs the site and how to reach them, for the privacy page (GDPR Article 13); <c>Site:Operator:*</c>.</summary>
    public SiteOperator Operator { get; set; } = new();

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

    /// <summary>
    /// The person or organisation responsible for signers' data (the GDPR's controller), as the privacy page names them.
    /// Countersign cannot know them: the operator fills them in, and <c>serve</c> warns at start while they have not.
    /// </summary>
    public sealed class SiteOperator
    {
        public string? Name { get; set; }

        /// <summary>An email address, a web address (a contact form) or a postal address, as people should use it.</summary>
        public string? Contact { get; set; }

        public bool IsFilledIn => !string.IsNullOrWhiteSpace(Name) && !string.IsNullOrWhiteSpace(Contact);

        /// <summary>The contact as an email address, when it is one.</summary>
        public string? Email => Contact?.Trim() is { } contact && MailAddress.TryCreate(contact, out var address) && address.Address == contact ? contact : null;

        /// <summary>The contact as a web address, when it is one.</summary>
        public string? WebAddress => IsWebAddress(Contact?.Trim()) ? Contact!.Trim() : null;

        /// <summary>The demo names itself, so its privacy page reads as a real site's would; a configured operator stays.</summary>
        public void FillInForDemo()
        {
            if (string.IsNullOrWhiteSpace(Name) && string.IsNullOrWhiteSpace(Contact))
            {
                Name = "Countersign demo";
                Contact = "privacy@countersign.localhost";
            }
        }
    }
}
