using Countersign.Data;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Email;

public sealed class OutboxTests
{
    [Fact]
    public async Task Should_keep_emails_waiting_in_the_outbox_while_sending_is_paused()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, settings => settings["Email:SendingPaused"] = "true");
        var campaign = await site.AddCampaignAsync();
        await FormFiller.PostAsync(site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign));

        // Longer than the worker's poll interval: had it been running, the email would be out.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var waiting = await site.QueryAsync(db => db.OutboxMessages.SingleAsync());
        Assert.Null(waiting.SentAt);
        Assert.NotNull(waiting.MessageCiphertext);
        Assert.False(Directory.Exists(Path.Combine(site.DataFolder, "outbox")) && Directory.EnumerateFiles(Path.Combine(site.DataFolder, "outbox")).Any());
    }
}
