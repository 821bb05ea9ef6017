using System.Net;
using System.Net.Http.Headers;
using Countersign.Data;
using Countersign.Tests.Infrastructure;

namespace Countersign.Tests.Privacy;

/// <summary>The privacy page says what the site's configuration does, in English and in French.</summary>
public sealed class PrivacyPageTests
{
    [Fact]
    public async Task Should_state_the_configured_retention_periods_and_mail_set_up_and_be_linked_from_every_page()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["Retention:PendingDays"] = "5";
            settings["Retention:EndedCampaignMonths"] = "3";
            settings["Site:Name"] = "Stop Surveillance Coalition";
        });
        var browser = site.Browser();

        var response = await browser.GetAsync("/privacy");
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("How Stop Surveillance Coalition treats your data", html, StringComparison.Ordinal);
        Assert.Contains("within 5 days, it is erased", html, StringComparison.Ordinal);
        Assert.Contains("3 months after a campaign is delivered", html, StringComparison.Ordinal);
        Assert.Contains("Never your IP address", html, StringComparison.Ordinal);
        Assert.Contains("messages are kept on the server for testing", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/privacy\"", await browser.GetStringAsync("/"), StringComparison.Ordinal);

        var french = site.Browser();
        french.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr"));
        var frenchHtml = WebUtility.HtmlDecode(await french.GetStringAsync("/privacy"));
        Assert.Contains("dans un délai de 5 jours, elle est effacée", frenchHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_say_emails_go_through_the_mail_server_when_one_is_configured()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["Smtp:Host"] = "127.0.0.1");
        var html = WebUtility.HtmlDecode(await site.Browser().GetStringAsync("/privacy"));
        Assert.Contains("Our emails go through the mail server this site is configured with.", html, StringComparison.Ordinal);
    }
}
