using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Countersign.Hosting;

/// <summary>
/// Headers on every response: only the scripts our own pages name may run, nothing but our own
/// origin may supply styles, workers or frames, no other site may frame our pages (but the
/// campaign embed, made for that), and no page tells other sites where the reader came from.
/// </summary>
public static class SecurityHeaders
{
    // Scripts run only with this response's nonce, which an attacker who slips markup into a page
    // cannot know: unlike 'self', that also refuses a <script src> pointing at one of our own URLs.
    // 'strict-dynamic' extends that trust to scripts those scripts add themselves (the widget adds
    // none today). It does not reach the ALTCHA worker: worker-src alone governs workers, and
    // allows only our origin.
    private const string PolicyBeforeNonce = "script-src 'nonce-";
    private const string PolicyAfterNonce =
        "' 'strict-dynamic'; default-src 'self'; style-src 'self'; img-src 'self' data:; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors ";

    // Framing by another site is how clickjacking starts (our forms under a decoy), so no page may be framed...
    private const string FramedByNobody = "'none'";

    // ...but the embed, a page without forms or cookies that only links out, made for partners' sites.
    private const string FramedByAnySite = "*";

    // 144 random bits, a multiple of three bytes so the base64 needs no '=' padding.
    private const int NonceBytes = 18;
    private static readonly object NonceKey = new();

    public static Task AddAsync(HttpContext context, Func<Task> next)
    {
        // A page re-executed for an error page passes here again and gets a fresh nonce: the
        // header and the page rendered after it always agree.
        Span<byte> random = stackalloc byte[NonceBytes];
        RandomNumberGenerator.Fill(random);
        var nonce = Convert.ToBase64String(random);
        context.Items[NonceKey] = nonce;

        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Policy(nonce, FramedByNobody);
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        return next();
    }

    /// <summary>
    /// Lets any site frame this response: for the campaign embed only (see <see cref="Campaigns.Embed"/>), which
    /// has no form to trick anyone into and sets no cookie. Its CSP says <c>frame-ancestors *</c> and the older
    /// X-Frame-Options, which has no such value, is dropped.
    /// </summary>
    public static void AllowFramingAnywhere(HttpContext context)
    {
        context.Response.Headers.ContentSecurityPolicy = Policy(Nonce(context), FramedByAnySite);
        context.Response.Headers.Remove(HeaderNames.XFrameOptions);
    }

    private static string Policy(string nonce, string frameAncestors) => string.Concat(PolicyBeforeNonce, nonce, PolicyAfterNonce, frameAncestors);

    /// <summary>The nonce this request's Content-Security-Policy allows scripts with.</summary>
    public static string Nonce(HttpContext context) =>
        context.Items.TryGetValue(NonceKey, out var nonce) && nonce is string value
            ? value
            : throw new InvalidOperationException("No script nonce for this request: SecurityHeaders.AddAsync must run before any page is rendered.");
}
