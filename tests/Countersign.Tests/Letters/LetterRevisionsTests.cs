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

/// <summary>A letter's text changes after organisations signed it: nobody moves to words they did not sign, and everyone on it is told.</summary>
public abstract class LetterRevisionsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string FirstText = "We ask the conference to drop its sponsor.";

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    [Fact]
    public async Task Should_keep_each_organisation_on_the_version_it_signed_and_email_those_confirmed_once_a_change_is_approved()
    {
        var campaign = await Database.AddCampaignAsync("no-sponsors");
        await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c
            .SetProperty(x => x.LetterMarkdown, FirstText).SetProperty(x => x.LetterAddressees, "The organisers")));
        var stored = await Database.WithDbAsync(db => db.Campaigns.AsNoTracking().SingleAsync(c => c.Id == campaign.Id));
        var version = LetterVersion.Of(stored, 1, Database.Clock.GetUtcNow().UtcDateTime);
        await Database.WithDbAsync(db =>
        {
            db.LetterVersions.Add(version);
            return db.SaveChangesAsync();
        });
        foreach (var (name, state) in new[] { ("Approved", CoSignatureState.Approved), ("Verified", CoSignatureState.Verified), ("Pending", CoSignatureState.Pending), ("Withdrawn", CoSignatureState.Withdrawn) })
        {
            await AddCoSignatureAsync(campaign.Id, version.Id, name, state);
        }

        var organiser = await Database.AddStaffAsync("organiser@example.org");
        var moderator = await Database.AddStaffAsync("moderator@example.org");
        var input = CampaignInput.From(stored);
        input.Letter = "We ask the conference to drop its sponsor, and to publish its sponsorship rules.";
        Assert.Empty(input.Validate());
        var saved = await WithLifecycleAsync(async lifecycle => await lifecycle.SaveAsync((await lifecycle.FindAsync(campaign.Id, CancellationToken.None))!, input, organiser, CancellationToken.None));

        // A change to the letter is a change to what the campaign asks: it waits for review, and nobody is told yet.
        Assert.True(saved.ChangeProposed);
        Assert.Equal(FirstText, (await Database.WithDbAsync(db => db.Campaigns.SingleAsync(c => c.Id == campaign.Id))).LetterMarkdown);
        Assert.Empty(await EmailsAsync());

        var reviewId = await Database.WithDbAsync(db => db.CampaignReviews.Where(r => r.CampaignId == campaign.Id && r.Decision == null).Select(r => r.Id).SingleAsync());
        var decided = await WithLifecycleAsync(async lifecycle =>
            await lifecycle.DecideAsync((await lifecycle.FindReviewAsync(reviewId, CancellationToken.None))!, ReviewDecision.Approved, null, moderator, CancellationToken.None));
        Assert.Equal(MoveOutcome.Moved, decided.Outcome);

        var emails = await EmailsAsync();
        Assert.Equal(["contact.approved@example.org", "contact.verified@example.org"], emails.Select(m => m.To.Mailboxes.Single().Address).Order());
        Assert.All(emails, email => Assert.Contains("stays on version 1", email.TextBody, StringComparison.Ordinal));
        Assert.All(emails, email => Assert.Contains("/letters/withdraw/", email.TextBody, StringComparison.Ordinal));
        Assert.Equal([version.Id], await Database.WithDbAsync(db => db.CoSignatures.Select(s => s.LetterVersionId).Distinct().ToListAsync()));

        // The letter shows the version signed, and the text as it reads now, with what changed.
        var letter = await Database.WithDbAsync(db => PublicLetter.ReadAsync(db, Database.Get<CampaignCache>(), Database.Get<MarkdownRenderer>(), campaign.Slug, CancellationToken.None));
        Assert.True(letter!.HasHistory);
        Assert.Equal([(1, 1, false), ((int?)null, 0, true)], letter.Versions.Select(v => (v.Number, v.Signatories, v.IsCurrent)));
        var change = Assert.Single(letter.Versions[1].Changes);
        Assert.Equal("Open letter", change.Field);
        Assert.Contains(change.Lines, line => line.Kind == DiffLineKind.Added && line.Text.Contains("sponsorship rules", StringComparison.Ordinal));
        Assert.Contains(change.Lines, line => line.Kind == DiffLineKind.Removed && line.Text == FirstText);
    }

    private async Task AddCoSignatureAsync(int campaignId, long versionId, string name, string state)
    {
        var cipher = await Database.Get<CampaignKeys>().ForCampaignAsync(campaignId);
        var email = $"contact.{name.ToLowerInvariant()}@example.org";
        await Database.WithDbAsync(db =>
        {
            db.CoSignatures.Add(new CoSignature
            {
                CampaignId = campaignId, LetterVersionId = versionId, Name = name, Description = "An organisation", Kind = OrganisationKind.Ngo,
                CountryCode = "FR", Website = "https://example.org", ContactNameCiphertext = cipher.Encrypt("Contact " + name),
                ContactRoleCiphertext = cipher.Encrypt("Chair"), ContactEmailCiphertext = cipher.Encrypt(email),
                EmailKey = Database.Get<PersonalDataProtector>().EmailKey(email), Locale = "en", State = state,
                CreatedAt = Database.Clock.GetUtcNow().UtcDateTime,
            });
            return db.SaveChangesAsync();
        });
    }

    private async Task<List<MimeMessage>> EmailsAsync()
    {
        var protector = Database.Get<PersonalDataProtector>();
        var rows = await Database.WithDbAsync(db => db.OutboxMessages.Where(m => m.Kind == CoSignerEmails.TextChangedKind).ToListAsync());
        return [.. rows.Select(row => MimeMessage.Load(new MemoryStream(protector.Decrypt(row.MessageCiphertext!))))];
    }

    private async Task<T> WithLifecycleAsync<T>(Func<CampaignLifecycle, Task<T>> act)
    {
        await using var scope = Database.Scope();
        return await act(scope.ServiceProvider.GetRequiredService<CampaignLifecycle>());
    }

}

public sealed class LetterRevisionsOnSqlite() : LetterRevisionsTests(DatabaseProvider.Sqlite);

public sealed class LetterRevisionsOnPostgres() : LetterRevisionsTests(DatabaseProvider.Postgres);
