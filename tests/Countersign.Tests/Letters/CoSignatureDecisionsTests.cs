using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Letters;
using Countersign.Privacy;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Countersign.Tests.Letters;

/// <summary>
/// Organisers' decisions on the organisations co-signing a letter, on a real database without a web host: the moves,
/// their refusals, the email each sends its contact and the audit entry each leaves, without the contact in it.
/// </summary>
public abstract class CoSignatureDecisionsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const int OrganiserId = 41;

    private static readonly ClaimsPrincipal Organiser = StaffMember(OrganiserId);

    private TestDatabase Database { get; set; } = null!;

    private Campaign Campaign { get; set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await TestDatabase.CreateAsync(provider);
        Campaign = await Database.AddCampaignAsync();
        await Database.WithDbAsync(db => TestSignatories.WriteLetterAsync(db, Campaign));
    }

    public async Task DisposeAsync() => await Database.DisposeAsync();

    private static ClaimsPrincipal StaffMember(int id) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id.ToString(CultureInfo.InvariantCulture))], "test"));

    private async Task<CoSignature> AddAsync(string state, Campaign? campaign = null, string name = "Federation of University Unions", long? parentId = null)
    {
        campaign ??= Campaign;
        var cipher = await Database.Get<CampaignKeys>().ForCampaignAsync(campaign.Id);
        return await Database.WithDbAsync(db => TestSignatories.AddAsync(db, cipher, campaign, state, Database.Clock.GetUtcNow().UtcDateTime, name, parentId));
    }

    private async Task<CoSignatureDecisionOutcome> ApproveAsync(long id, ClaimsPrincipal? by = null)
    {
        await using var scope = Database.Scope();
        return await scope.ServiceProvider.GetRequiredService<CoSignatureDecisions>().ApproveAsync(Campaign, id, by ?? Organiser, CancellationToken.None);
    }

    private async Task<CoSignatureDecisionOutcome> RejectAsync(long id, string? reason)
    {
        await using var scope = Database.Scope();
        return await scope.ServiceProvider.GetRequiredService<CoSignatureDecisions>().RejectAsync(Campaign, id, reason, Organiser, CancellationToken.None);
    }

    private Task<CoSignature> StoredAsync(long id) => Database.WithDbAsync(db => db.CoSignatures.AsNoTracking().SingleAsync(s => s.Id == id));

    private Task<List<AuditEntry>> AuditAsync() => Database.WithDbAsync(db => db.AuditEntries.OrderBy(e => e.Id).ToListAsync());

    /// <summary>The emails waiting in the outbox, opened as the sender would.</summary>
    private async Task<List<(string Kind, MimeMessage Message)>> OutboxAsync()
    {
        var protector = Database.Get<PersonalDataProtector>();
        var rows = await Database.WithDbAsync(db => db.OutboxMessages.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        return rows.Select(row => (row.Kind, MimeMessage.Load(new MemoryStream(protector.Decrypt(row.MessageCiphertext!))))).ToList();
    }

    [Fact]
    public async Task Should_approve_a_confirmed_signatory_emailing_its_contact_and_auditing_it_without_the_contact()
    {
        var signatory = await AddAsync(CoSignatureState.Verified);

        var outcome = await ApproveAsync(signatory.Id);

        Assert.Equal((CoSignatureDecisionResult.Done, "Federation of University Unions is approved: it is on the letter, and its contact is told by email."),
            (outcome.Result, outcome.Message));
        var stored = await StoredAsync(signatory.Id);
        Assert.Equal((CoSignatureState.Approved, (int?)OrganiserId, (string?)null), (stored.State, stored.DecidedBy, stored.RejectionReason));
        Assert.NotNull(stored.DecidedAt);

        var entry = Assert.Single(await AuditAsync());
        Assert.Equal((AuditAction.CoSignatureApproved, (int?)Campaign.Id, (int?)OrganiserId, $"Co-signature {signatory.Id}"),
            (entry.Action, entry.CampaignId, entry.StaffUserId, entry.Details));

        var (kind, email) = Assert.Single(await OutboxAsync());
        Assert.Equal(CoSignerEmails.ApprovedKind, kind);
        Assert.Equal(TestSignatories.ContactEmail, Assert.Single(email.To.Mailboxes).Address);
        Assert.Contains("approved the signature of Federation of University Unions", email.TextBody, StringComparison.Ordinal);
        Assert.Contains("/letters/withdraw/", email.TextBody, StringComparison.Ordinal);

        // Who signed stays out of the log, whatever else is in it.
        Assert.DoesNotContain(await AuditAsync(), e => $"{e.Details}".Contains("Ines", StringComparison.Ordinal) || $"{e.Details}".Contains("unions.example", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_reject_only_with_a_reason_which_the_contact_is_told_and_approve_it_later_after_all()
    {
        var signatory = await AddAsync(CoSignatureState.Verified);

        Assert.Equal((CoSignatureDecisionResult.ReasonProblem, "Give a reason: the organisation is told it, and it is kept in the audit log."),
            await ResultAsync(RejectAsync(signatory.Id, "   ")));
        Assert.Equal((CoSignatureDecisionResult.ReasonProblem, "The reason must be 500 characters or fewer."),
            await ResultAsync(RejectAsync(signatory.Id, new string('r', CoSignature.ReasonMaxLength + 1))));
        Assert.Equal(CoSignatureState.Verified, (await StoredAsync(signatory.Id)).State);
        Assert.Empty(await AuditAsync());
        Assert.Empty(await OutboxAsync());

        Assert.Equal(CoSignatureDecisionResult.Done, (await RejectAsync(signatory.Id, "  We could not confirm you speak for the federation. ")).Result);
        Assert.Equal((CoSignatureState.Rejected, "We could not confirm you speak for the federation."), await StateAndReasonAsync(signatory.Id));
        var (kind, email) = Assert.Single(await OutboxAsync());
        Assert.Equal(CoSignerEmails.RejectedKind, kind);
        Assert.Contains("We could not confirm you speak for the federation.", email.TextBody, StringComparison.Ordinal);

        Assert.Equal(CoSignatureDecisionResult.Done, (await ApproveAsync(signatory.Id)).Result);
        Assert.Equal((CoSignatureState.Approved, (string?)null), await StateAndReasonAsync(signatory.Id));
        Assert.Equal(
            [
                (AuditAction.CoSignatureRejected, $"Co-signature {signatory.Id}: We could not confirm you speak for the federation."),
                (AuditAction.CoSignatureApproved, $"Co-signature {signatory.Id}"),
            ],
            (await AuditAsync()).Select(e => (e.Action, e.Details!)));
        Assert.Equal([CoSignerEmails.RejectedKind, CoSignerEmails.ApprovedKind], (await OutboxAsync()).Select(e => e.Kind));
    }

    [Fact]
    public async Task Should_decide_no_signatory_still_unconfirmed_or_withdrawn_or_of_another_campaign()
    {
        var pending = await AddAsync(CoSignatureState.Pending);
        var withdrawn = await AddAsync(CoSignatureState.Withdrawn, name: "Academy of Sciences");
        var other = await Database.AddCampaignAsync("another-letter");
        await Database.WithDbAsync(db => TestSignatories.WriteLetterAsync(db, other));
        var elsewhere = await AddAsync(CoSignatureState.Verified, other);

        foreach (var id in new[] { pending.Id, elsewhere.Id, elsewhere.Id + 1000 })
        {
            Assert.Equal((CoSignatureDecisionResult.NoSuchSignatory, "This letter has no such signatory."), await ResultAsync(ApproveAsync(id)));
            Assert.Equal(CoSignatureDecisionResult.NoSuchSignatory, (await RejectAsync(id, "Not an organisation")).Result);
        }

        Assert.Equal((CoSignatureDecisionResult.Changed, "This organisation has withdrawn its signature: there is nothing left to decide."),
            await ResultAsync(ApproveAsync(withdrawn.Id)));
        Assert.Equal(CoSignatureDecisionResult.Changed, (await RejectAsync(withdrawn.Id, "Too late")).Result);

        Assert.Equal(
            [CoSignatureState.Pending, CoSignatureState.Withdrawn, CoSignatureState.Verified],
            [(await StoredAsync(pending.Id)).State, (await StoredAsync(withdrawn.Id)).State, (await StoredAsync(elsewhere.Id)).State]);
        Assert.Empty(await AuditAsync());
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task Should_refuse_a_move_from_a_state_the_signatory_is_not_in()
    {
        var approved = await AddAsync(CoSignatureState.Approved);
        var rejected = await AddAsync(CoSignatureState.Rejected, name: "Society of Physics");

        var again = await ApproveAsync(approved.Id);
        var rejectedAgain = await RejectAsync(rejected.Id, "Still no");

        Assert.Equal((CoSignatureDecisionResult.Changed, "This signature changed while you were deciding (another organiser, perhaps). Here is where it stands now."),
            (again.Result, again.Message));
        Assert.Equal(CoSignatureDecisionResult.Changed, rejectedAgain.Result);
        Assert.Empty(await AuditAsync());
        Assert.Empty(await OutboxAsync());
    }

    [Fact]
    public async Task Should_let_only_one_of_two_organisers_approving_the_same_signatory_at_once_succeed()
    {
        var signatory = await AddAsync(CoSignatureState.Verified);

        var outcomes = await Task.WhenAll(
            Task.Run(() => ApproveAsync(signatory.Id, StaffMember(OrganiserId))),
            Task.Run(() => ApproveAsync(signatory.Id, StaffMember(OrganiserId + 1))));

        Assert.Equal([CoSignatureDecisionResult.Done, CoSignatureDecisionResult.Changed], outcomes.Select(o => o.Result).Order());
        var entry = Assert.Single(await AuditAsync());
        Assert.Equal(entry.StaffUserId, (await StoredAsync(signatory.Id)).DecidedBy);
        Assert.Single(await OutboxAsync());
    }

    [Fact]
    public async Task Should_list_the_confirmed_signatories_with_their_contacts_parents_and_versions_and_count_the_unconfirmed()
    {
        var academy = await AddAsync(CoSignatureState.Approved, name: "Academy of Sciences");
        await AddAsync(CoSignatureState.Pending, name: "Not confirmed yet");
        await AddAsync(CoSignatureState.Pending, name: "Nor this one");

        // The letter changes after the academy signed: the society signs the new text.
        await Database.WithDbAsync(async db =>
        {
            var stored = await db.Campaigns.SingleAsync(c => c.Id == Campaign.Id);
            stored.LetterMarkdown = Campaign.LetterMarkdown = "We ask you to end the sponsorship this year.";
            await db.SaveChangesAsync();
        });
        await AddAsync(CoSignatureState.Verified, name: "Society of Physics", parentId: academy.Id);

        await using var scope = Database.Scope();
        var listed = await scope.ServiceProvider.GetRequiredService<CoSignatureDecisions>().ListAsync(Campaign, CancellationToken.None);

        Assert.Equal(2, listed.Unconfirmed);
        Assert.Equal(
            [
                ("Academy of Sciences", (string?)null, CoSignatureState.Approved, 1, false),
                ("Society of Physics", "Academy of Sciences", CoSignatureState.Verified, 2, true),
            ],
            listed.Confirmed.Select(s => (s.Name, s.ParentName, s.State, s.LetterVersion, s.SignedCurrentText)));
        Assert.All(listed.Confirmed, s => Assert.Equal((TestSignatories.ContactName, TestSignatories.ContactRole, TestSignatories.ContactEmail), (s.ContactName, s.ContactRole, s.ContactEmail)));
    }

    private static async Task<(CoSignatureDecisionResult, string)> ResultAsync(Task<CoSignatureDecisionOutcome> decision)
    {
        var outcome = await decision;
        return (outcome.Result, outcome.Message);
    }

    private async Task<(string, string?)> StateAndReasonAsync(long id)
    {
        var stored = await StoredAsync(id);
        return (stored.State, stored.RejectionReason);
    }
}

public sealed class CoSignatureDecisionsOnSqlite() : CoSignatureDecisionsTests(DatabaseProvider.Sqlite);

public sealed class CoSignatureDecisionsOnPostgres() : CoSignatureDecisionsTests(DatabaseProvider.Postgres);
