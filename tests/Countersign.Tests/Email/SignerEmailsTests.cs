using System.Runtime.CompilerServices;
using Countersign.Data;
using Countersign.Email;
using Countersign.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Email;

public sealed class SignerEmailsTests
{
    [Fact]
    public async Task Should_not_keep_a_written_email_alive_once_it_is_no_longer_used()
    {
        // Every signature writes an email; one kept alive by something shared (as a shared sender
        // address once did, through its change events) grows the server's memory with every signer.
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite);
        var campaign = await site.AddCampaignAsync();
        var emails = site.Services.GetRequiredService<SignerEmails>();
        var written = WriteAndForget(emails, campaign);

        for (var attempt = 0; attempt < 10 && written.Any(reference => reference.IsAlive); attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal(0, written.Count(reference => reference.IsAlive));
        Assert.Equal(20, written.Length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference[] WriteAndForget(SignerEmails emails, Countersign.Campaigns.Campaign campaign) =>
        Enumerable.Range(0, 10)
            .SelectMany(i => new object[]
            {
                emails.Confirmation(campaign, $"Signer {i}", $"signer{i}@example.org", new byte[32], "token", "en"),
                emails.AlreadySigned(campaign, $"signer{i}@example.org", new byte[32], "fr"),
            })
            .Select(message => new WeakReference(message))
            .ToArray();
}
