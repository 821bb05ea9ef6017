using System.Net;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// Keeps cookies for a test client that talks plain HTTP to a server on the loopback address, as
/// a browser does. The app marks every cookie Secure, and CookieContainer never sends a Secure
/// cookie over http; browsers count http://127.0.0.1 and http://localhost as secure contexts and
/// do. So this jar files the cookies under the https form of the address.
/// </summary>
public sealed class LoopbackCookieJar : DelegatingHandler
{
    private readonly CookieContainer _cookies = new();

    /// <param name="connections">Sends the requests (e.g. with more connections per server); its own cookies and redirects are turned off.</param>
    public LoopbackCookieJar(SocketsHttpHandler? connections = null)
        : base(connections ?? new SocketsHttpHandler())
    {
        var handler = (SocketsHttpHandler)InnerHandler!;
        handler.UseCookies = false;
        handler.AllowAutoRedirect = false;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var address = request.RequestUri!;
        if (!address.IsLoopback)
        {
            throw new InvalidOperationException($"{address} is not a loopback address: cookies over plain HTTP would be sent in the clear.");
        }

        var secure = new UriBuilder(address) { Scheme = Uri.UriSchemeHttps, Port = address.Port }.Uri;
        var header = _cookies.GetCookieHeader(secure);
        if (header.Length > 0)
        {
            request.Headers.Add("Cookie", header);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                _cookies.SetCookies(secure, setCookie);
            }
        }

        return response;
    }
}
