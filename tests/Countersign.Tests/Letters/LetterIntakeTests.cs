using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Letters;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Countersign.Tests.Letters;

/// <summary>An organisation co-signing a letter, confirming its contact's address and withdrawing, on a real database without a web host.</summary>
public abstract class LetterIntakeTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string ContactEmail = "secretary@mail.scientists.example.ac.uk";

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    private async Task<Campaign> CampaignWithLetterAsync(string slug = "no-sponsors", string state = CampaignState.Open)
    {
        var campaign = await Database.AddCampaignAsync(slug, state: state);
        const string text = "We ask the conference to drop its sponsor.";
        const string addressees = "The conference's organisers";
        await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c
            .SetProperty(x => x.LetterMarkdown, text).SetProperty(x => x.LetterAddressees, addressees)));
        campaign.LetterMarkdown = text;
        campaign.LetterAddressees = addressees;
        return campaign;
    }

    private CoSignForm Form(string name = "Society of Scientists", string email = ContactEmail, string website = "https://www.scientists.example.ac.uk", string? parent = null) => new()
    {
        Name = name,
        Description = "Scientists in 40 countries",
        Members = "12,500",
        Kind = OrganisationKind.LearnedSociety,
        Country = "gb",
        Website = website,
        Parent = parent,
        ContactName = "Amal Haddad",
        ContactRole = "Secretary",
        ContactEmail = email,
        Entitled = true,
        Started = Database.Get<FormChecks>().IssueStamp(),
    };

    private string Proof(Campaign campaign) =>
        ProofOfWork.SolveLikeTheWidget(Database.Get<ProofOfWork>().CreateChallenge(campaign.Id, ProofOfWorkPurpose.CoSignature));

    private async Task<T> WithIntakeAsync<T>(Func<LetterIntake, Task<T>> act)
    {
        await using var scope = Database.Scope();
        return await act(scope.ServiceProvider.GetRequiredService<LetterIntake>());
    }

    private Task<FormOutcome> TakeAsync(Campaign campaign, CoSignForm form) =>
        WithIntakeAsync(intake => intake.TakeAsync(campaign, form, Proof(campaign), IPAddress.Parse("203.0.113.9"), CancellationToken.None));

    /// <summary>The emails of a kind in the outbox, decrypted, oldest first.</summary>
    private async Task<List<MimeMessage>> EmailsAsync(string kind)
    {
        var protector = Database.Get<PersonalDataProtector>();
        var rows = await Database.WithDbAsync(db => db.OutboxMessages.Where(m => m.Kind == kind).OrderBy(m => m.Id).ToListAsync());
        return [.. rows.Select(row => MimeMessage.Load(new MemoryStream(protector.Decrypt(row.MessageCiphertext!))))];
    }

    /// <summary>The token at the end of the first link in <paramref name="message"/> under <paramref name="path"/>.</summary>
    private static string TokenIn(MimeMessage message, string path) =>
        Regex.Match(message.TextBody ?? "", $@"/{path}/([A-Za-z0-9_-]+)").Groups[1].Value;

    private Task<PublicLetter?> PublicLetterAsync(Campaign campaign) => Database.WithDbAsync(db =>
        PublicLetter.ReadAsync(db, Database.Get<CampaignCache>(), Database.Get<MarkdownRenderer>(), campaign.Slug, CancellationToken.None));

    private Task ApproveAsync(long id) =>
        Database.WithDbAsync(db => db.CoSignatures.Where(s => s.Id == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.State, CoSignatureState.Approved)));

    [Fact]
    public async Task Should_keep_the_contact_encrypted_and_the_organisation_off_the_letter_until_confirmed_and_approved()
    {
        var campaign = await CampaignWithLetterAsync();

        Assert.Equal(FormResult.Taken, (await TakeAsync(campaign, Form())).Result);

        var stored = await Database.WithDbAsync(db => db.CoSignatures.SingleAsync());
        Assert.Equal((CoSignatureState.Pending, "GB", 12_500, true), (stored.State, stored.CountryCode, stored.Members, stored.DomainVerified));
        Assert.DoesNotContain(ContactEmail, Encoding.UTF8.GetString(stored.ContactEmailCiphertext), StringComparison.Ordinal);
        Assert.DoesNotContain("Haddad", Encoding.UTF8.GetString(stored.ContactNameCiphertext), StringComparison.Ordinal);
        var version = await Database.WithDbAsync(db => db.LetterVersions.SingleAsync());
        Assert.Equal((stored.LetterVersionId, 1), (version.Id, version.Number));
        Assert.Equal(LetterVersion.HashOf(campaign.LetterAddressees, campaign.LetterMarkdown, campaign.LetterCalls), version.Hash);

        var confirmation = Assert.Single(await EmailsAsync(CoSignerEmails.ConfirmationKind));
        Assert.Equal(ContactEmail, confirmation.To.Mailboxes.Single().Address);
        var token = TokenIn(confirmation, "letters/confirm");
        Assert.Empty((await PublicLetterAsync(campaign))!.Signatories);

        // Opening the link changes nothing; the button confirms, once.
        Assert.Equal(CoSignLinkOutcome.Ready, (await WithIntakeAsync(intake => intake.LookUpConfirmationAsync(token, CancellationToken.None))).Outcome);
        Assert.True((await WithIntakeAsync(intake => intake.ConfirmAsync(token, CancellationToken.None))).Confirmed);
        var again = await WithIntakeAsync(intake => intake.ConfirmAsync(token, CancellationToken.None));
        Assert.Equal((false, CoSignLinkOutcome.Done), (again.Confirmed, again.Link.Outcome));
        Assert.Contains("domain verified", Assert.Single(await EmailsAsync(CoSignerEmails.VerifiedKind)).TextBody, StringComparison.Ordinal);

        // Confirmed is not public either: only the organisers' approval lists it.
        Assert.Equal(CoSignatureState.Verified, (await Database.WithDbAsync(db => db.CoSignatures.SingleAsync())).State);
        Assert.Empty((await PublicLetterAsync(campaign))!.Signatories);
        await ApproveAsync(stored.Id);
        var listed = Assert.Single((await PublicLetterAsync(campaign))!.Signatories);
        Assert.Equal(("Society of Scientists", true, 1), (listed.Name, listed.DomainVerified, listed.VersionNumber));
    }

    [Fact]
    public async Task Should_withdraw_from_the_link_in_any_email_at_once_and_keep_it_in_the_audit_log()
    {
        var campaign = await CampaignWithLetterAsync();
        await TakeAsync(campaign, Form());
        var stored = await Database.WithDbAsync(db => db.CoSignatures.SingleAsync());
        await ApproveAsync(stored.Id);
        Assert.Single((await PublicLetterAsync(campaign))!.Signatories);

        var token = TokenIn(Assert.Single(await EmailsAsync(CoSignerEmails.ConfirmationKind)), "letters/withdraw");
        Assert.Equal(CoSignLinkOutcome.Ready, (await WithIntakeAsync(intake => intake.LookUpWithdrawalAsync(token, CancellationToken.None))).Outcome);
        Assert.True((await WithIntakeAsync(intake => intake.WithdrawAsync(token, CancellationToken.None))).Withdrawn);

        Assert.Empty((await PublicLetterAsync(campaign))!.Signatories);
        Assert.Equal(CoSignatureState.Withdrawn, (await Database.WithDbAsync(db => db.CoSignatures.SingleAsync())).State);
        var entry = await Database.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Action == AuditAction.CoSignatureWithdrawn));
        Assert.Equal(campaign.Id, entry.CampaignId);
        Assert.DoesNotContain("Haddad", entry.Details ?? "", StringComparison.Ordinal);
        Assert.Single(await EmailsAsync(CoSignerEmails.WithdrawnKind));

        // A replayed link withdraws nothing twice; a forged or altered one finds nothing.
        var replay = await WithIntakeAsync(intake => intake.WithdrawAsync(token, CancellationToken.None));
        Assert.Equal((false, CoSignLinkOutcome.Done), (replay.Withdrawn, replay.Link.Outcome));
        var altered = token[..^2] + (token[^2] == 'A' ? "B" : "A") + token[^1];
        foreach (var forged in new[] { altered, "", "%2e%2e", new string('A', 5000), token + "=" })
        {
            Assert.Equal(CoSignLinkOutcome.Unknown, (await WithIntakeAsync(intake => intake.LookUpWithdrawalAsync(forged, CancellationToken.None))).Outcome);
        }

        Assert.Single(await EmailsAsync(CoSignerEmails.WithdrawnKind));
    }

    [Fact]
    public async Task Should_mark_domain_verified_only_when_the_address_is_at_the_website_domain()
    {
        var campaign = await CampaignWithLetterAsync();
        await TakeAsync(campaign, Form(name: "Gmail Union", email: "union.secretary@gmail.com", website: "https://union.example.org"));
        await TakeAsync(campaign, Form(name: "Lookalike Society", email: "a@scientists.example.ac.uk.evil.example", website: "https://scientists.example.ac.uk"));
        await TakeAsync(campaign, Form(name: "Department", email: "head@physics.uni.example.ac.uk", website: "http://www.uni.example.ac.uk/physics"));

        var marks = await Database.WithDbAsync(db => db.CoSignatures.OrderBy(s => s.Id).Select(s => s.DomainVerified).ToListAsync());
        Assert.Equal([false, false, true], marks);
    }

    [Fact]
    public async Task Should_refuse_a_closed_letter_a_campaign_without_one_and_a_parent_that_is_not_on_the_letter()
    {
        var closed = await CampaignWithLetterAsync("closed-letter", CampaignState.Closed);
        var none = await Database.AddCampaignAsync("no-letter");
        var open = await CampaignWithLetterAsync("open-letter");
        var other = await CampaignWithLetterAsync("other-letter");
        await TakeAsync(other, Form(name: "Academy"));
        var othersAcademy = await Database.WithDbAsync(db => db.CoSignatures.SingleAsync());
        await ApproveAsync(othersAcademy.Id);

        Assert.Equal(FormResult.Refused, (await TakeAsync(closed, Form())).Result);
        Assert.Equal(FormResult.Refused, (await TakeAsync(none, Form())).Result);

        // Another letter's organisation is no parent here, whatever number is posted.
        var wrongParent = await TakeAsync(open, Form(parent: othersAcademy.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal((FormResult.Invalid, nameof(CoSignForm.Parent)), (wrongParent.Result, Assert.Single(wrongParent.Problems).Field));
        foreach (var odd in new[] { "-1", "1e3", "99999999999999999999", "0x1" })
        {
            Assert.Equal(FormResult.Invalid, (await TakeAsync(open, Form(parent: odd))).Result);
        }

        // A second organisation of the same name as one on the letter is told so.
        await TakeAsync(other, Form(name: "academy"));
        Assert.Equal(1, await Database.WithDbAsync(db => db.CoSignatures.CountAsync(s => s.CampaignId == other.Id)));
        Assert.Equal(1, await Database.WithDbAsync(db => db.CoSignatures.CountAsync()));
    }

    [Fact]
    public async Task Should_delete_unconfirmed_co_signatures_in_time_and_forget_every_contact_when_the_campaign_is_erased()
    {
        var campaign = await CampaignWithLetterAsync();
        await TakeAsync(campaign, Form(name: "Never confirmed"));
        await TakeAsync(campaign, Form(name: "Listed", email: "listed@example.org"));
        var listed = await Database.WithDbAsync(db => db.CoSignatures.SingleAsync(s => s.Name == "Listed"));
        await ApproveAsync(listed.Id);

        var now = Database.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(0, await Database.WithDbAsync(db => Countersign.Privacy.Erasure.ErasePendingCoSignaturesAsync(db, now.AddDays(-7))));
        Assert.Equal(1, await Database.WithDbAsync(db => Countersign.Privacy.Erasure.ErasePendingCoSignaturesAsync(db, now.AddSeconds(1))));
        Assert.Equal(["Listed"], await Database.WithDbAsync(db => db.CoSignatures.Select(s => s.Name).ToListAsync()));

        Assert.True(await Database.WithDbAsync(db => Countersign.Privacy.Erasure.ShredCampaignAsync(db, Database.Get<CampaignKeys>(), campaign.Id, now)));
        var kept = await Database.WithDbAsync(db => db.CoSignatures.SingleAsync());
        Assert.Equal(("Listed", CoSignatureState.Approved), (kept.Name, kept.State));
        Assert.Equal([0, 0, 0, 0], new[] { kept.ContactNameCiphertext, kept.ContactRoleCiphertext, kept.ContactEmailCiphertext, kept.EmailKey }.Select(bytes => bytes.Length));

        // Its withdrawal link still works, with nobody left to email.
        var token = TokenIn((await EmailsAsync(CoSignerEmails.ConfirmationKind)).Single(m => m.To.Mailboxes.Single().Address == "listed@example.org"), "letters/withdraw");
        Assert.True((await WithIntakeAsync(intake => intake.WithdrawAsync(token, CancellationToken.None))).Withdrawn);
        Assert.Empty(await EmailsAsync(CoSignerEmails.WithdrawnKind));
    }

    [Fact]
    public async Task Should_record_a_new_version_when_the_letter_changes_and_keep_each_signature_on_the_text_it_signed()
    {
        var campaign = await CampaignWithLetterAsync();
        await TakeAsync(campaign, Form(name: "First"));
        await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.LetterMarkdown, "A stronger text.")));
        campaign.LetterMarkdown = "A stronger text.";
        await TakeAsync(campaign, Form(name: "Second", email: "two@example.org"));

        var signed = await Database.WithDbAsync(db => (
            from s in db.CoSignatures
            join v in db.LetterVersions on s.LetterVersionId equals v.Id
            orderby s.Id
            select new { s.Name, v.Number, v.TextMarkdown }).ToListAsync());
        Assert.Equal([("First", 1, "We ask the conference to drop its sponsor."), ("Second", 2, "A stronger text.")], signed.Select(s => (s.Name, s.Number, s.TextMarkdown)));
    }
}

public sealed class LetterIntakeOnSqlite() : LetterIntakeTests(DatabaseProvider.Sqlite);

public sealed class LetterIntakeOnPostgres() : LetterIntakeTests(DatabaseProvider.Postgres);
