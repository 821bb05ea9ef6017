using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Signing.SuzieSignsAPetition;

namespace Countersign.BrowserTests.Signing;

/// <summary>
/// Nadia opens the ECCV demo campaign (three hosts, each with its question) on her phone. The signing form comes
/// right after the summary and the count, before the comment form; she presses Sign before filling it in, and the
/// page comes back at what to fix, focused; the same for the comment form. She shares the campaign from the panel,
/// every link carrying its address, Mastodon through her own server, and again after signing. On a laptop the Sign button is in view as the
/// page opens. axe finds nothing to fix at either size, in English or in French.
/// </summary>
public sealed class NadiaSignsOnHerPhone
{
    private const string Slug = "no-surveillance-sponsors-at-eccv";

    private static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };
    private static readonly ViewportSize Laptop = new() { Width = 1280, Height = 900 };

    [Fact]
    public async Task Nadia_reaches_the_signing_form_first_sees_what_to_fix_and_shares_the_campaign()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        await using (var scope = site.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DemoData>().EnsureLoadedAsync(CancellationToken.None);
        }

        var hosts = await site.QueryAsync(db => db.Campaigns.Where(c => c.Slug == Slug).Select(c => c.Hosts.Count).SingleAsync());
        Assert.True(hosts > 1, "The demo campaign should ask about several hosts' updates.");

        await using var browser = await Browser.LaunchAsync();
        var page = await browser.Chromium.NewPageAsync(new BrowserNewPageOptions { BaseURL = site.Address, ViewportSize = Phone });
        var consoleErrors = new List<string>();
        page.Console += (_, message) =>
        {
            // The forms sent with missing answers come back as 422, and a server name that is not one as 400, on purpose; browsers log those statuses.
            if (message.Type == "error" && !message.Text.Contains("status of 422", StringComparison.Ordinal) && !message.Text.Contains("status of 400", StringComparison.Ordinal))
            {
                consoleErrors.Add($"{message.Text} ({message.Location})");
            }
        };
        var requests = new List<string>();
        page.Request += (_, request) => requests.Add(request.Url);

        // On her phone: the summary, the count, then the form, a screenful at most below the summary (measured at the top of the page).
        await page.GotoAsync($"/c/{Slug}");
        var summary = await BoxAsync(page.Locator(".campaign-head .summary"));
        var signingForm = await BoxAsync(page.Locator("#sign form"));
        var commentForm = await BoxAsync(page.GetByRole(AriaRole.Form, new() { Name = "Add a comment" }));
        Assert.True(signingForm.Y < commentForm.Y, $"The signing form ({signingForm.Y}px) should come before the comment form ({commentForm.Y}px).");
        Assert.InRange(signingForm.Y - (summary.Y + summary.Height), 0, Phone.Height);
        Assert.True(await page.EvaluateAsync<bool>(
            "() => !!(document.querySelector('#sign form').compareDocumentPosition(document.querySelector('#add-comment form')) & Node.DOCUMENT_POSITION_FOLLOWING)"),
            "The signing form should come before the comment form in reading order too.");
        await ExpectAccessibleAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "campaign-phone.png") });

        // Every share link carries the campaign's address; nothing was fetched from another site.
        var address = Uri.EscapeDataString($"{site.Address}/c/{Slug}");
        var links = await page.Locator(".share-links a").EvaluateAllAsync<string[]>("links => links.map(link => link.href)");
        Assert.Equal(ShareLinks.Channels.Count(channel => channel != ShareLinks.Mastodon), links.Length);
        Assert.All(links, link => Assert.Contains(address, link, StringComparison.Ordinal));
        Assert.All(requests, request => Assert.StartsWith(site.Address, request, StringComparison.Ordinal));

        // She presses Sign with nothing filled in: the answer opens at the form, its problems in view and focused.
        await ProofOfWorkDoneAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign", Exact = true }).ClickAsync();
        await ExpectErrorSummaryInViewAndFocusedAsync(page, "#sign");
        Assert.EndsWith($"/c/{Slug}#sign", page.Url, StringComparison.Ordinal);
        await ExpectAccessibleAsync(page);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, "campaign-phone-problems.png") });

        // The comment form's answer opens at the comment form in the same way.
        var comment = page.GetByRole(AriaRole.Form, new() { Name = "Add a comment" });
        await comment.GetByLabel("Your name").FocusAsync();
        await page.WaitForFunctionAsync("() => document.querySelector('#add-comment input[name=altcha]')?.value?.length > 0", null, new() { Timeout = 30_000 });
        await comment.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();
        await ExpectErrorSummaryInViewAndFocusedAsync(page, "#add-comment");

        // Mastodon has no address of its own: she names her server and lands on a new post there.
        await page.RouteAsync("https://mastodon.social/**", route => route.FulfillAsync(new() { ContentType = "text/html", Body = "<title>New post</title>" }));
        await page.GotoAsync($"/c/{Slug}");
        await page.GetByLabel("Mastodon: your server").FillAsync("mastodon.social");
        await page.GetByRole(AriaRole.Button, new() { Name = "Share on Mastodon" }).ClickAsync();
        await page.WaitForURLAsync("https://mastodon.social/share?**");
        Assert.Contains(address, page.Url, StringComparison.Ordinal);

        // A server name that is not one is refused with the form again; that page, and the thanks page's share panel, pass axe too.
        var refused = await page.GotoAsync($"/c/{Slug}/share/mastodon?server=127.0.0.1");
        Assert.Equal(400, refused?.Status);
        await ExpectAccessibleAsync(page);
        await page.GotoAsync($"/c/{Slug}/thanks");
        Assert.All(await page.Locator(".share-links a").EvaluateAllAsync<string[]>("links => links.map(link => link.href)"), link => Assert.Contains(address, link, StringComparison.Ordinal));
        await ExpectAccessibleAsync(page);

        // On a laptop the Sign button is in view as the page opens, in English and in French.
        foreach (var language in new[] { "en", "fr" })
        {
            await page.SetViewportSizeAsync(Laptop.Width, Laptop.Height);
            await page.GotoAsync($"/language/{language}?returnUrl={Uri.EscapeDataString($"/c/{Slug}")}");
            var sign = await BoxAsync(page.Locator("#sign button[type=submit]"));
            Assert.True(sign.Y >= 0 && sign.Y + sign.Height <= Laptop.Height, $"{language}: the Sign button spans {sign.Y}px to {sign.Y + sign.Height}px of a {Laptop.Height}px window.");
            await ExpectAccessibleAsync(page);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Browser.ScreenshotFolder, $"campaign-laptop-{language}.png") });

            await page.SetViewportSizeAsync(Phone.Width, Phone.Height);
            await page.ReloadAsync();
            await ExpectAccessibleAsync(page);
        }

        Assert.True(consoleErrors.Count == 0, string.Join("\n", consoleErrors));
    }

    /// <summary>Where the element is in the window (the tests compare elements measured at the same scroll position).</summary>
    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator) =>
        await locator.BoundingBoxAsync() ?? throw new InvalidOperationException($"{locator} is not shown.");

    private static async Task ExpectErrorSummaryInViewAndFocusedAsync(IPage page, string form)
    {
        await page.WaitForURLAsync($"**{form}");
        await page.WaitForFunctionAsync($"() => document.activeElement === document.querySelector('{form} .error-summary')");
        var inView = await page.Locator($"{form} .error-summary").EvaluateAsync<bool>("summary => { const r = summary.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; }");
        Assert.True(inView, $"The error summary of {form} should be in view.");
    }
}
