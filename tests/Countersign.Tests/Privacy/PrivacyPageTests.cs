using System.Net;
using System.Net.Http.Headers;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Tests.Infrastructure;
using Microsoft.Extensions.Options;

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
    public async Task Should_name_who_runs_the_site_and_how_to_reach_them_from_the_configuration()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["Site:Operator:Name"] = "Stop Surveillance Coalition";
            settings["Site:Operator:Contact"] = "privacy@coalition.example";
        });

        var html = WebUtility.HtmlDecode(await site.Browser().GetStringAsync("/privacy"));

        Assert.Contains("This site is run by Stop Surveillance Coalition, who is responsible for your data.", html, StringComparison.Ordinal);
        Assert.Contains("<a href=\"mailto:privacy@coalition.example\">privacy@coalition.example</a>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("has not filled in", html, StringComparison.Ordinal);
        Assert.DoesNotContain(site.Logs.Lines, line => line.Contains("Site:Operator:Name", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_show_a_postal_address_as_written_and_a_contact_form_as_a_link()
    {
        await using var postal = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["Site:Operator:Name"] = "Association Vigilance";
            settings["Site:Operator:Contact"] = "12 rue des Lilas\n75011 Paris";
        });
        var html = WebUtility.HtmlDecode(await postal.Browser().GetStringAsync("/privacy"));
        Assert.Contains("<span class=\"postal-address\">12 rue des Lilas\n75011 Paris</span>", html, StringComparison.Ordinal);

        await using var form = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["Site:Operator:Name"] = "Association Vigilance";
            settings["Site:Operator:Contact"] = "https://vigilance.example/contact";
        });
        Assert.Contains("<a href=\"https://vigilance.example/contact\" rel=\"noopener noreferrer\">", await form.Browser().GetStringAsync("/privacy"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_say_plainly_when_the_operator_has_not_said_who_they_are_and_warn_at_start()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite);

        var html = WebUtility.HtmlDecode(await site.Browser().GetStringAsync("/privacy"));
        var french = site.Browser();
        french.DefaultRequestHeaders.AcceptLanguage.Add(new StringWithQualityHeaderValue("fr"));
        var frenchHtml = WebUtility.HtmlDecode(await french.GetStringAsync("/privacy"));

        Assert.Contains("The operator of this site has not filled in who they are and how to reach them", html, StringComparison.Ordinal);
        Assert.Contains("set Site:Operator:Name and Site:Operator:Contact", html, StringComparison.Ordinal);
        Assert.Contains("L’exploitant de ce site n’a pas indiqué qui il est ni comment le joindre", frenchHtml, StringComparison.Ordinal);
        Assert.Contains(site.Logs.Lines, line => line.StartsWith("Warning ", StringComparison.Ordinal) && line.Contains("Site:Operator:Name and Site:Operator:Contact are not set", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_name_the_demo_as_its_operator_unless_one_is_configured()
    {
        await using var demo = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, settings => settings["Demo:Load"] = "true");
        await using var configured = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["Demo:Load"] = "true";
            settings["Site:Operator:Name"] = "Stop Surveillance Coalition";
            settings["Site:Operator:Contact"] = "privacy@coalition.example";
        });

        var demoOperator = demo.Get<IOptions<SiteOptions>>().Value.Operator;
        var configuredOperator = configured.Get<IOptions<SiteOptions>>().Value.Operator;

        Assert.Equal(("Countersign demo", "privacy@countersign.localhost"), (demoOperator.Name, demoOperator.Email));
        Assert.Equal("Stop Surveillance Coalition", configuredOperator.Name);
    }

    [Fact]
    public async Task Should_say_emails_go_through_the_mail_server_when_one_is_configured()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["Smtp:Host"] = "127.0.0.1");
        var html = WebUtility.HtmlDecode(await site.Browser().GetStringAsync("/privacy"));
        Assert.Contains("Our emails go through the mail server this site is configured with.", html, StringComparison.Ordinal);
    }
}
