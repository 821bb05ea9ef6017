using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Email;

/// <summary>Confirmation emails travel through a real SMTP server, and survive it being down.</summary>
public sealed class SmtpDeliveryTests : IAsyncLifetime
{
    private SmtpSink _smtp = null!;
    private TestSite _site = null!;

    public async Task InitializeAsync()
    {
        _smtp = await SmtpSink.StartAsync();
        _site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["Smtp:Host"] = _smtp.Host;
            settings["Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

            // The sink speaks plain SMTP only; plain text must be asked for.
            settings["Smtp:Security"] = "None";
        });
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        await _smtp.DisposeAsync();
    }

    private Task<int> CountAsync() => _site.QueryAsync(db => db.Campaigns.Select(c => c.SignatureCount).SingleAsync());

    [Fact]
    public async Task Should_confirm_through_a_real_mail_server_and_count_a_gmail_variant_once()
    {
        var campaign = await _site.AddCampaignAsync();
        var browser = _site.Browser();
        Assert.Equal(0, await CountAsync());

        await FormFiller.PostAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "suzie.okafor@gmail.com"));
        var confirmation = Assert.Single(await _smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(20)));
        Assert.Equal("suzie.okafor@gmail.com", confirmation.To.Mailboxes.Single().Address);
        Assert.StartsWith("Confirm your signature", confirmation.Subject, StringComparison.Ordinal);

        await FormFiller.PostAsync(browser, Mailbox.ConfirmationPath(confirmation), []);
        Assert.Equal(1, await CountAsync());

        await FormFiller.PostAsync(_site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "Suzie.Okafor+campaigns@googlemail.com"));
        var messages = await _smtp.WaitForMessagesAsync(2, TimeSpan.FromSeconds(20));
        Assert.StartsWith("You have already signed", messages[1].Subject, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task Should_refuse_by_default_to_send_to_a_server_that_does_not_offer_tls()
    {
        // Someone on the network path can strip STARTTLS from the server's greeting: without TLS,
        // neither the password nor any confirmation or erase link may leave.
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings =>
        {
            settings["Smtp:Host"] = _smtp.Host;
            settings["Smtp:Port"] = _smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        var campaign = await site.AddCampaignAsync();
        await FormFiller.PostAsync(site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign));
        await TestSite.WaitUntilAsync(async () => await site.QueryAsync(db => db.OutboxMessages.AnyAsync(m => m.Attempts > 0 || m.SentAt != null)), "the email was sent or refused");

        var waiting = await site.QueryAsync(db => db.OutboxMessages.SingleAsync());
        Assert.Null(waiting.SentAt);
        Assert.NotNull(waiting.MessageCiphertext);
        Assert.Contains("TLS", waiting.LastError, StringComparison.Ordinal);
        Assert.Empty(await _smtp.WaitForMessagesAsync(0, TimeSpan.Zero));
        Assert.DoesNotContain(site.Logs.Lines, line => line.Contains("plain text", StringComparison.Ordinal));

        // The site that asked for plain text said so at start.
        Assert.Contains(_site.Logs.Lines, line => line.Contains("Smtp:Security is None", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_keep_emails_while_the_mail_server_is_down_and_send_them_once_it_is_back()
    {
        var campaign = await _site.AddCampaignAsync();
        await _smtp.StopAsync();

        await FormFiller.PostAsync(_site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign));
        await TestSite.WaitUntilAsync(async () => (await _site.QueryAsync(db => db.OutboxMessages.SingleAsync())).Attempts > 0, "a delivery attempt has failed");
        var waiting = await _site.QueryAsync(db => db.OutboxMessages.SingleAsync());
        Assert.Null(waiting.SentAt);
        Assert.NotNull(waiting.MessageCiphertext);
        Assert.DoesNotContain("@", waiting.LastError ?? "", StringComparison.Ordinal);

        await _smtp.StartAgainAsync();
        _site.Clock.Advance(TimeSpan.FromMinutes(20));
        var delivered = Assert.Single(await _smtp.WaitForMessagesAsync(1, TimeSpan.FromSeconds(20)));
        Assert.Equal("amal.haddad@example.org", delivered.To.Mailboxes.Single().Address);
        await TestSite.WaitUntilAsync(async () => (await _site.QueryAsync(db => db.OutboxMessages.SingleAsync())).SentAt is not null, "the email is recorded as sent");
    }
}
