using System.Net;
using System.Net.Http.Headers;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Campaigns;

/// <summary>An organiser gives a campaign a header image through its page, and readers get it in the width their screen needs.</summary>
public abstract class HeaderImagePagesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    // On Kestrel, whose request size limits the upload page must lift.
    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider, kestrel: true);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_show_an_uploaded_picture_on_the_campaign_page_and_home_page_in_each_width_with_its_description()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake");
        var organiser = await SignedInAsync();
        var page = $"/staff/campaigns/{campaign.Id}/image";

        var uploaded = await UploadAsync(organiser, page, TestPictures.Halves(2400, 1350), "Protesters hold a banner outside the fund's office");
        Assert.Equal(HttpStatusCode.Redirect, uploaded.StatusCode);
        Assert.Contains("The header image is saved", WebUtility.HtmlDecode(await organiser.GetStringAsync(page)), StringComparison.Ordinal);

        var reader = Client();
        var parser = new HtmlParser();
        var shown = parser.ParseDocument(await reader.GetStringAsync("/c/drop-the-stake")).QuerySelector(".campaign-text img.header-image")!;
        Assert.NotNull(shown);
        Assert.Equal("Protesters hold a banner outside the fund's office", shown.GetAttribute("alt"));
        Assert.Equal((campaign.Language, "1600", "900", "eager"), (shown.GetAttribute("lang"), shown.GetAttribute("width"), shown.GetAttribute("height"), shown.GetAttribute("loading")));
        var sources = shown.GetAttribute("srcset")!.Split(", ").Select(source => source.Split(' ')).ToList();
        Assert.Equal(["480w", "960w", "1600w"], sources.Select(source => source[1]));
        foreach (var (address, width) in sources.Select(source => (source[0], int.Parse(source[1].TrimEnd('w'), System.Globalization.CultureInfo.InvariantCulture))))
        {
            var file = await reader.GetAsync(address);
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal("image/webp", file.Content.Headers.ContentType?.MediaType);
            Assert.Equal(TimeSpan.FromDays(365), file.Headers.CacheControl?.MaxAge);
            Assert.True(file.Headers.CacheControl?.Public);
            using var decoded = SkiaSharp.SKBitmap.Decode(await file.Content.ReadAsByteArrayAsync());
            Assert.Equal(width, decoded.Width);
        }

        // The JSON twin gives partners each width's address.
        using var json = System.Text.Json.JsonDocument.Parse(await reader.GetStringAsync("/c/drop-the-stake.json"));
        var described = json.RootElement.GetProperty("image");
        Assert.Equal("Protesters hold a banner outside the fund's office", described.GetProperty("alt").GetString());
        Assert.Equal(sources.Select(source => Site.Address.TrimEnd('/') + source[0]),
            described.GetProperty("files").EnumerateArray().Select(file => file.GetProperty("url").GetString()));

        // The home page's card waits until it is scrolled near.
        var card = parser.ParseDocument(await reader.GetStringAsync("/")).QuerySelector(".campaign-card img.header-image")!;
        Assert.Equal("lazy", card.GetAttribute("loading"));

        // Replaced, the old files are gone and the new ones take their place.
        Assert.Equal(HttpStatusCode.Redirect, (await UploadAsync(organiser, page, TestPictures.Halves(1000, 700), "A banner on the bridge")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync(sources[0][0])).StatusCode);
        Assert.Contains("A banner on the bridge", WebUtility.HtmlDecode(await reader.GetStringAsync("/c/drop-the-stake")), StringComparison.Ordinal);

        // Removed, the page shows none.
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(organiser, $"{page}?handler=Remove", [])).StatusCode);
        Assert.DoesNotContain("header-image", await reader.GetStringAsync("/c/drop-the-stake"), StringComparison.Ordinal);
        Assert.Equal(0, await Site.QueryAsync(db => db.CampaignImageFiles.CountAsync()));
    }

    [Fact]
    public async Task Should_answer_a_bad_upload_on_its_page_keeping_the_description_and_never_with_a_server_error()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake");
        var organiser = await SignedInAsync();
        var page = $"/staff/campaigns/{campaign.Id}/image";

        var notAPicture = await UploadAsync(organiser, page, "%PDF-1.7 a leaflet"u8.ToArray(), "Our leaflet");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, notAPicture.StatusCode);
        var answer = WebUtility.HtmlDecode(await notAPicture.Content.ReadAsStringAsync());
        Assert.Contains("This file is not a picture we can read", answer, StringComparison.Ordinal);
        Assert.Contains("value=\"Our leaflet\"", answer, StringComparison.Ordinal);

        // Past the 10 MB limit but within what the page reads: answered by the field.
        var tooLarge = await UploadAsync(organiser, page, new byte[HeaderImageEncoder.MaxBytes + 1], "A photo");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLarge.StatusCode);
        Assert.Contains("The file is larger than 10 MB", WebUtility.HtmlDecode(await tooLarge.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // Made-up files are not found, whatever their spelling.
        var reader = Client();
        foreach (var address in new[] { "/images/made-up/480.webp", "/images/made-up/480.png", "/images/%2e%2e/480.webp", "/images/x/99999999999.webp", $"/images/{new string('a', 500)}/480.webp" })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await reader.GetAsync(address)).StatusCode);
        }

        Assert.Equal(0, await Site.QueryAsync(db => db.CampaignImages.CountAsync()));
    }

    [Fact]
    public async Task Should_refuse_a_form_far_past_its_limit_with_a_page_that_says_so()
    {
        // The antiforgery check reads the form first: past the page's limit, it finds no token and refuses the form.
        await using var site = await TestSite.StartAsync(provider);
        var campaign = await site.AddCampaignAsync("drop-the-stake");
        var organiser = await site.Staff.SignedInAsync("organiser@example.org", StaffRoles.Admin);

        var huge = await UploadAsync(organiser, $"/staff/campaigns/{campaign.Id}/image", new byte[3 * HeaderImageEncoder.MaxBytes], "A photo");
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Contains("a file over its size limit", WebUtility.HtmlDecode(await huge.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // Other forms keep their small limit.
        var bigForm = await FormFiller.PostAsync(organiser, $"/staff/campaigns/{campaign.Id}/timeline?handler=Add", [new("Input.Text", new string('a', 2 * CountersignApp.MaxFormBytes))]);
        Assert.Equal(HttpStatusCode.BadRequest, bigForm.StatusCode);
        Assert.Equal(0, await site.QueryAsync(db => db.CampaignImages.CountAsync()));
    }

    /// <summary>A client of the Kestrel-hosted site, keeping its cookies.</summary>
    private HttpClient Client() => new(new LoopbackCookieJar()) { BaseAddress = new Uri(Site.Address) };

    private async Task<HttpClient> SignedInAsync()
    {
        var organiser = Client();
        await Site.Staff.SignInAsync(organiser, "organiser@example.org", StaffRoles.Admin);
        return organiser;
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient organiser, string page, byte[] picture, string alt)
    {
        var token = await FormFiller.AntiforgeryTokenAsync(organiser, page);
        using var form = new MultipartFormDataContent
        {
            { new StringContent(token), "__RequestVerificationToken" },
            { new StringContent(alt), "Input.Alt" },
        };
        var file = new ByteArrayContent(picture);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "Input.File", "photo.jpg");
        return await organiser.PostAsync(page, form);
    }
}

public sealed class HeaderImagePagesOnSqlite() : HeaderImagePagesTests(DatabaseProvider.Sqlite);

public sealed class HeaderImagePagesOnPostgres() : HeaderImagePagesTests(DatabaseProvider.Postgres);
