using System.Net;
using System.Net.Sockets;
using System.Text;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Countersign.BrowserTests.Campaigns;

/// <summary>
/// A partner's site, on another origin, frames the ECCV demo campaign's embed at 300 × 200 and at 600 × 250, in English
/// and in French: the title, count, goal and sign button all fit, the button opens the campaign in a new tab counted
/// as the embed's, no cookie is set, and the campaign page itself refuses to be framed there.
/// </summary>
public sealed class APartnerEmbedsACampaign
{
    private const string Slug = "no-surveillance-sponsors-at-eccv";

    [Theory]
    [InlineData("en", "Sign the petition")]
    [InlineData("fr", "Signer la pétition")]
    public async Task The_embed_fits_small_and_wide_frames_on_another_site(string language, string button)
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoData>().EnsureLoadedAsync(CancellationToken.None);
        }

        await using var browser = await Browser.LaunchAsync();
        var context = await browser.Chromium.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 700, Height = 900 } });
        var page = await context.NewPageAsync();
        var embed = $"{site.Address}/c/{Slug}/embed?lang={language}";
        var frames = new[] { (Width: 300, Height: 200), (Width: 600, Height: 250) };
        var html = string.Concat(frames.Select((size, i) =>
            $"""<p><iframe id="embed-{i}" src="{embed}" title="Petition" width="{size.Width}" height="{size.Height}" style="border:0"></iframe></p>"""));
        html += $"""<p><iframe id="campaign" src="{site.Address}/c/{Slug}" title="Campaign" width="600" height="250"></iframe></p>""";
        using var partner = PartnerSite.Start($"<!DOCTYPE html><title>A partner</title><body>{html}</body>");

        var refusals = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("frame-ancestors", StringComparison.Ordinal))
            {
                refusals.Add(message.Text);
            }
        };
        await page.GotoAsync($"{partner.Address}blog");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        for (var i = 0; i < frames.Length; i++)
        {
            var frame = page.FrameLocator($"#embed-{i}");
            var sign = frame.GetByRole(AriaRole.Link, new() { Name = button });
            await Assertions.Expect(sign).ToBeVisibleAsync();
            Assert.Equal("_blank", await sign.GetAttributeAsync("target"));
            Assert.EndsWith($"/c/{Slug}?via={Referral.Embed}", await sign.GetAttributeAsync("href"), StringComparison.Ordinal);

            // Everything is inside the frame: nothing cut off below or to the side.
            foreach (var part in new[] { frame.Locator("h1"), frame.Locator(".count"), frame.Locator("progress"), sign })
            {
                var box = await part.BoundingBoxAsync() ?? throw new InvalidOperationException("Not shown.");
                var outer = await page.Locator($"#embed-{i}").BoundingBoxAsync() ?? throw new InvalidOperationException("No frame.");
                Assert.True(box.Y >= outer.Y && box.Y + box.Height <= outer.Y + outer.Height && box.X + box.Width <= outer.X + outer.Width,
                    $"{frames[i].Width}×{frames[i].Height}: a part at {box.X},{box.Y} {box.Width}×{box.Height} leaves the frame at {outer.X},{outer.Y}.");
            }
        }

        // The browser refused one frame, the campaign page's (it names only the origin); the embeds were shown above.
        Assert.Single(refusals);
        Assert.Empty(await context.CookiesAsync());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, $"embed-on-a-partner-site-{language}.png"), FullPage = true });
        await context.CloseAsync();
    }
}

/// <summary>
/// The partner's site: another origin on this machine (localhost, where the test site is 127.0.0.1), served for real.
/// Chromium lets only local pages frame local addresses (Local Network Access), so a page Playwright made up for a
/// public name would test that rule rather than ours.
/// </summary>
internal sealed class PartnerSite : IDisposable
{
    private readonly HttpListener _listener = new();

    private PartnerSite(string page)
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Address = $"http://localhost:{port}/";
        _listener.Prefixes.Add(Address);
        _listener.Start();
        _ = ServeAsync(Encoding.UTF8.GetBytes(page));
    }

    public string Address { get; }

    public static PartnerSite Start(string page) => new(page);

    public void Dispose() => _listener.Close();

    private async Task ServeAsync(byte[] page)
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.OutputStream.WriteAsync(page);
            context.Response.Close();
        }
    }
}
