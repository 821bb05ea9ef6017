using System.Net;
using System.Text.RegularExpressions;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Letters;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Letters;

/// <summary>
/// What organisers hear of organisations co-signing their letter: an email to each of them when one waits for a
/// decision, and on the signatories page why a waiting one was flagged. On SQLite and PostgreSQL.
/// </summary>
public abstract partial class SignatoryNoticesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private async Task<HttpClient> MemberAsync(Campaign campaign, string email, string role, bool milestoneEmails = true)
    {
        var client = await Site.Staff.SignedInAsync(email);
        await Site.QueryAsync(async db =>
        {
            var id = await db.StaffUsers.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = id, Role = role, MilestoneEmails = milestoneEmails });
            return await db.SaveChangesAsync();
        });
        return client;
    }

    [Fact]
    public async Task Should_email_each_organiser_once_when_a_co_signature_waits_for_a_decision()
    {
        var campaign = await Site.AddCampaignAsync("no-sponsors");
        await Site.QueryAsync(async db =>
        {
            await TestSignatories.WriteLetterAsync(db, campaign);
            return 0;
        });
        await MemberAsync(campaign, "marc@example.org", StaffRoles.Organiser);
        await MemberAsync(campaign, "lea@example.org", StaffRoles.Organiser, milestoneEmails: false);
        await MemberAsync(campaign, "partner@example.org", StaffRoles.Partner);
        await Site.Staff.AddAsync("moderator@example.org", StaffRoles.Moderator);

        var ines = Site.Browser();
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(ines, $"/c/{campaign.Slug}/letter", new Dictionary<string, string>
        {
            ["CoSign.Name"] = "Federation of University Unions",
            ["CoSign.Description"] = "6,000 staff at 13 universities",
            ["CoSign.Kind"] = OrganisationKind.Union,
            ["CoSign.Country"] = "PT",
            ["CoSign.Website"] = "https://unions.example.org",
            ["CoSign.ContactName"] = TestSignatories.ContactName,
            ["CoSign.ContactRole"] = TestSignatories.ContactRole,
            ["CoSign.ContactEmail"] = TestSignatories.ContactEmail,
            ["CoSign.Entitled"] = "true",
        })).StatusCode);
        Assert.Equal(0, await WaitingEmailsAsync());

        var confirmPath = new Uri(LinkPattern().Matches((await Site.Mailbox.EmailsAsync(1)).Single().TextBody ?? "")
            .Select(m => m.Value).First(link => link.Contains("/letters/confirm/", StringComparison.Ordinal))).PathAndQuery;
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(ines, confirmPath, [])).StatusCode);

        // Both organisers, whatever they chose for milestones; not the partner, nor a moderator of every campaign.
        var waiting = (await Site.Mailbox.EmailsAsync(4)).Where(e => e.Subject == $"An organisation waits for your decision: {campaign.Title}").ToList();
        Assert.Equal(["lea@example.org", "marc@example.org"], waiting.Select(e => e.To.Mailboxes.Single().Address).Order(StringComparer.Ordinal));
        foreach (var email in waiting)
        {
            Assert.Contains("Federation of University Unions has signed the open letter", email.TextBody, StringComparison.Ordinal);
            Assert.Contains($"{TestSite.PublicUrl}/staff/campaigns/{campaign.Id}/signatories", email.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(TestSignatories.ContactName, email.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(TestSignatories.ContactEmail, email.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain(TestSignatories.ContactRole, email.TextBody, StringComparison.Ordinal);
        }

        // Confirming again (an old copy of the page posted twice) confirms nothing, and tells nobody again.
        var antiforgery = FormFiller.AntiforgeryToken(await ines.GetStringAsync($"/c/{campaign.Slug}/letter"));
        Assert.Equal(HttpStatusCode.OK, (await ines.PostAsync(confirmPath, new FormUrlEncodedContent([new("__RequestVerificationToken", antiforgery)]))).StatusCode);
        Assert.Equal(2, await WaitingEmailsAsync());
    }

    [Fact]
    public async Task Should_show_organisers_why_a_waiting_co_signature_was_flagged()
    {
        var campaign = await Site.AddCampaignAsync("no-sponsors");
        var organiser = await MemberAsync(campaign, "marc@example.org", StaffRoles.Organiser);
        var network = await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Verified, "From a busy network");
        var unknownReason = await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Verified, "Flagged by a newer server");
        var approved = await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Approved, "Approved already");
        await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Verified, "Nothing unusual");
        await Site.QueryAsync(async db =>
        {
            await db.CoSignatures.Where(s => s.Id == network).ExecuteUpdateAsync(s => s.SetProperty(x => x.FlaggedBecause, SigningRates.NetworkReason));
            await db.CoSignatures.Where(s => s.Id == unknownReason).ExecuteUpdateAsync(s => s.SetProperty(x => x.FlaggedBecause, "future-rate"));
            return await db.CoSignatures.Where(s => s.Id == approved).ExecuteUpdateAsync(s => s.SetProperty(x => x.FlaggedBecause, SigningRates.AddressReason));
        });

        var page = WebUtility.HtmlDecode(await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}/signatories"));
        Assert.Contains("Flagged: when it was signed, many others came from one network at once.", Entry(page, network), StringComparison.Ordinal);
        Assert.Contains("Flagged: when it was signed, many others came from the same place at once.", Entry(page, unknownReason), StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(page, "Flagged: when it was signed"));
    }

    /// <summary>One signatory's entry on the staff page.</summary>
    private static string Entry(string page, long id)
    {
        var start = page.IndexOf($"id=\"signatory-{id}\"", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No entry for co-signature {id}.");
        return page[start..page.IndexOf("</li>", start, StringComparison.Ordinal)];
    }

    private Task<int> WaitingEmailsAsync() => Site.QueryAsync(db => db.OutboxMessages.CountAsync(m => m.Kind == StaffEmails.CoSignatureWaitingKind));

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex LinkPattern();
}

public sealed class SignatoryNoticesOnSqlite() : SignatoryNoticesTests(DatabaseProvider.Sqlite);

public sealed class SignatoryNoticesOnPostgres() : SignatoryNoticesTests(DatabaseProvider.Postgres);
