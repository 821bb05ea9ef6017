using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Signing;

/// <summary>
/// The signing form is no way to flood someone's inbox: signing again with an address that has
/// signed sends its owner at most one email per campaign a day, none while a rate limit holds the
/// signature or the try, and only a few a day across the whole site; the page is the same whatever
/// happens. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class RepeatEmailTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Victim = "amal.haddad@example.org";

    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    [Fact]
    public async Task Should_send_one_already_signed_email_per_campaign_a_day_however_often_and_wherever_someone_signs_again()
    {
        var campaign = await Site.AddCampaignAsync();
        var first = await SignAsync(campaign, Victim);
        await FormFiller.PostAsync(Site.Browser(), Mailbox.ConfirmationPath(Assert.Single(await Site.Mailbox.EmailsAsync(1))), []);
        var stranger = await SignAsync(campaign, "someone.else@example.org");

        // The six tries, each with a name of the sender's choosing.
        var tries = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            tries.Add(await SignAsync(campaign, Victim, name: $"Not Amal {i}"));
        }

        // And more from another server of the same database, which shares none of this one's memory.
        await using (var other = Site.StartAnotherServer())
        {
            for (var i = 0; i < 3; i++)
            {
                tries.Add(await FormFiller.PostAsync(other.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: Victim)));
            }
        }

        Assert.All(tries.Prepend(first), response => AssertAnsweredAlike(stranger, response));
        Assert.Equal([SignerEmails.ConfirmationKind, SignerEmails.ConfirmationKind, SignerEmails.AlreadySignedKind], await KindsAsync());

        // Whoever typed the address chose the name too: the email does not repeat it to its owner.
        var alreadySigned = (await Site.Mailbox.EmailsAsync(3)).Single(m => (m.Subject ?? "").StartsWith("You have already signed", StringComparison.Ordinal));
        Assert.StartsWith("Hello,\n", alreadySigned.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Not Amal", alreadySigned.TextBody, StringComparison.Ordinal);
        Assert.Equal(("", Victim), (alreadySigned.To.Mailboxes.Single().Name ?? "", alreadySigned.To.Mailboxes.Single().Address));

        // A day later, one more.
        Site.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        AssertAnsweredAlike(stranger, await SignAsync(campaign, Victim));
        AssertAnsweredAlike(stranger, await SignAsync(campaign, Victim));
        Assert.Equal([SignerEmails.ConfirmationKind, SignerEmails.ConfirmationKind, SignerEmails.AlreadySignedKind, SignerEmails.AlreadySignedKind], await KindsAsync());
    }

    [Fact]
    public async Task Should_send_a_pending_signer_their_link_once_more_a_day_not_at_every_try()
    {
        var campaign = await Site.AddCampaignAsync();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await SignAsync(campaign, Victim, name: i == 0 ? "Amal Haddad" : "Not Amal")).StatusCode);
        }

        Assert.Equal([SignerEmails.ConfirmationKind, SignerEmails.ConfirmationKind], await KindsAsync());
        var emails = await Site.Mailbox.EmailsAsync(2);
        Assert.Equal(Mailbox.ConfirmationPath(emails[0]), Mailbox.ConfirmationPath(emails[1]));

        // The signature's own confirmation greets the name it was signed with; the link sent again, nobody.
        Assert.StartsWith("Hello Amal Haddad,\n", emails[0].TextBody, StringComparison.Ordinal);
        Assert.StartsWith("Hello,\n", emails[1].TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Not Amal", emails[1].TextBody + emails[1].To, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_send_no_repeat_email_while_the_signature_or_the_new_try_is_held_by_a_rate_limit()
    {
        var campaign = await Site.AddCampaignAsync();
        var household = System.Net.IPAddress.Parse("198.51.100.7");
        await SignAsync(campaign, "neighbour@example.org", from: household);
        await SignAsync(campaign, Victim, from: household);
        var held = await Site.QueryAsync(db => db.Signatures.OrderBy(s => s.Id).Select(s => s.HeldBecause).ToListAsync());
        Assert.Null(held[0]);
        Assert.NotNull(held[1]);

        // The victim's signature is held: trying again from anywhere emails nobody.
        var stranger = await SignAsync(campaign, "someone.else@example.org", from: System.Net.IPAddress.Parse("203.0.113.1"));
        AssertAnsweredAlike(stranger, await SignAsync(campaign, Victim, from: System.Net.IPAddress.Parse("203.0.113.2")));

        // The neighbour's is not, but this try comes from the address over its limit.
        AssertAnsweredAlike(stranger, await SignAsync(campaign, "neighbour@example.org", from: household));
        Assert.Equal(3, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));

        // From elsewhere, the neighbour gets their link again: the held try took nothing of the day's one.
        AssertAnsweredAlike(stranger, await SignAsync(campaign, "neighbour@example.org", from: System.Net.IPAddress.Parse("203.0.113.3")));
        Assert.Equal(4, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task Should_send_one_recipient_at_most_the_site_wide_number_of_repeat_emails_a_day_even_when_the_tries_arrive_together()
    {
        const int cap = SignatureIntake.RepeatEmailsPerRecipient;
        var campaigns = new List<Campaign>();
        for (var i = 0; i < cap + 2; i++)
        {
            campaigns.Add(await Site.AddCampaignAsync($"campaign-{i}"));
        }

        // Signing each campaign once brings each its confirmation: a first email is never held back.
        foreach (var campaign in campaigns)
        {
            await SignAsync(campaign, Victim);
        }

        Assert.Equal(cap + 2, await Site.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Kind == SignerEmails.ConfirmationKind)));

        // Signing them all again at once (so the intake's writer takes several in one batch), twice.
        var forms = new List<(HttpClient Browser, string Path, List<KeyValuePair<string, string>> Form)>();
        foreach (var campaign in campaigns.Concat(campaigns))
        {
            var browser = Site.Browser();
            forms.Add((browser, $"/c/{campaign.Slug}", await FormFiller.CompleteAsync(browser, $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: Victim))));
        }

        var responses = await Task.WhenAll(forms.Select(f => f.Browser.PostAsync(f.Path, new FormUrlEncodedContent(f.Form))));
        Assert.All(responses, response => Assert.Equal(HttpStatusCode.Redirect, response.StatusCode));
        Assert.Equal((cap + 2) + cap, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));

        // A day later the recipient may get a few again.
        Site.Clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        foreach (var campaign in campaigns)
        {
            await SignAsync(campaign, Victim);
        }

        Assert.Equal((cap + 2) + cap + cap, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
    }

    private Task<HttpResponseMessage> SignAsync(Campaign campaign, string email, string name = "Amal Haddad", System.Net.IPAddress? from = null) =>
        FormFiller.PostAsync(from is null ? Site.Browser() : Site.Browser(from), $"/c/{campaign.Slug}", SigningTests.Form(campaign, name: name, email: email));

    private Task<List<string>> KindsAsync() => Site.QueryAsync(db => db.OutboxMessages.OrderBy(m => m.Id).Select(m => m.Kind).ToListAsync());

    /// <summary>Nothing in the answer tells whether the address had signed, or whether an email went.</summary>
    private static void AssertAnsweredAlike(HttpResponseMessage expected, HttpResponseMessage actual)
    {
        Assert.Equal(HttpStatusCode.Redirect, expected.StatusCode);
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(expected.Headers.Location, actual.Headers.Location);
        Assert.Equal(expected.Content.Headers.ContentLength ?? 0, actual.Content.Headers.ContentLength ?? 0);
    }
}

public sealed class RepeatEmailsOnSqlite() : RepeatEmailTests(DatabaseProvider.Sqlite);

public sealed class RepeatEmailsOnPostgres() : RepeatEmailTests(DatabaseProvider.Postgres);
