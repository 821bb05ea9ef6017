using System.Net;
using System.Text;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Countersign.Tests.Comments;

/// <summary>Taking a comment from the public form and confirming it, on a real database without a web host.</summary>
public abstract class CommentIntakeTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Email = "leila.benali@example.org";
    private const string Text = "I work at the station.\nNobody asked us about these cameras.";

    private TestDatabase Database { get; set; } = null!;

    public async Task InitializeAsync() => Database = await TestDatabase.CreateAsync(provider);

    public async Task DisposeAsync() => await Database.DisposeAsync();

    private async Task<Campaign> CampaignWithCommentsAsync(string mode, string state = CampaignState.Open)
    {
        var campaign = await Database.AddCampaignAsync(state: state);
        await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, mode)));
        campaign.CommentMode = mode;
        return campaign;
    }

    /// <summary>The form as a person fills it in, with the stamp the page handed out.</summary>
    private CommentForm Form(string name = "Leïla Benali", string email = Email, string text = Text) =>
        new() { Name = name, Email = email, Text = text, Started = Database.Get<FormChecks>().IssueStamp() };

    /// <summary>A proof of work for the campaign's comment form, solved as the widget solves it.</summary>
    private string Proof(Campaign campaign) =>
        ProofOfWork.SolveLikeTheWidget(Database.Get<ProofOfWork>().CreateChallenge(campaign.Id, ProofOfWorkPurpose.Comment));

    private async Task<FormOutcome> TakeAsync(Campaign campaign, CommentForm form, string? proof, string address = "203.0.113.5")
    {
        await using var scope = Database.Scope();
        return await scope.ServiceProvider.GetRequiredService<CommentIntake>().TakeAsync(campaign, form, proof, IPAddress.Parse(address), CancellationToken.None);
    }

    private async Task<(bool Confirmed, CommentLink Link)> ConfirmAsync(string token)
    {
        await using var scope = Database.Scope();
        return await scope.ServiceProvider.GetRequiredService<CommentIntake>().ConfirmAsync(token, CancellationToken.None);
    }

    private async Task<CommentLink> LookUpAsync(string token)
    {
        await using var scope = Database.Scope();
        return await scope.ServiceProvider.GetRequiredService<CommentIntake>().LookUpAsync(token, CancellationToken.None);
    }

    /// <summary>The confirmation emails in the outbox, decrypted, oldest first.</summary>
    private async Task<List<MimeMessage>> ConfirmationEmailsAsync()
    {
        var protector = Database.Get<PersonalDataProtector>();
        var rows = await Database.WithDbAsync(db => db.OutboxMessages.Where(m => m.Kind == SignerEmails.CommentConfirmationKind).OrderBy(m => m.Id).ToListAsync());
        return [.. rows.Select(row => MimeMessage.Load(new MemoryStream(protector.Decrypt(row.MessageCiphertext!))))];
    }

    /// <summary>The token of the confirmation link in the email to <paramref name="email"/>.</summary>
    private async Task<string> TokenSentToAsync(string email)
    {
        var message = (await ConfirmationEmailsAsync()).Single(m => m.To.Mailboxes.Single().Address == email);
        return Mailbox.CommentConfirmationPath(message).Split('/').Last();
    }

    private Task<Comment> CommentAsync(string email) =>
        Database.WithDbAsync(async db =>
        {
            var key = Database.Get<PersonalDataProtector>().EmailKey(EmailAddress.Normalise(email));
            return await db.Comments.SingleAsync(c => c.EmailKey == key);
        });

    [Fact]
    public async Task Should_store_a_comment_encrypted_and_pending_with_its_confirmation_email_in_the_outbox()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);

        Assert.Equal(FormResult.Taken, (await TakeAsync(campaign, Form(), Proof(campaign))).Result);

        var stored = await Database.WithDbAsync(db => db.Comments.SingleAsync());
        Assert.Equal((campaign.Id, CommentState.Pending, (DateTime?)null, (string?)null), (stored.CampaignId, stored.State, stored.ConfirmedAt, stored.HeldBecause));
        Assert.DoesNotContain(Email, Encoding.UTF8.GetString(stored.EmailCiphertext), StringComparison.Ordinal);
        Assert.DoesNotContain("station", Encoding.UTF8.GetString(stored.TextCiphertext), StringComparison.Ordinal);
        var cipher = await Database.Get<CampaignKeys>().ForCampaignAsync(campaign.Id);
        Assert.Equal((Text, Email, "Leïla Benali"), (cipher.DecryptString(stored.TextCiphertext), cipher.DecryptString(stored.EmailCiphertext), cipher.DecryptString(stored.NameCiphertext)));

        // Its email went into the outbox in the same transaction, and its link is the stored token.
        var email = Assert.Single(await ConfirmationEmailsAsync());
        Assert.Equal(Email, email.To.Mailboxes.Single().Address);
        Assert.Equal(ConfirmationToken.Hash(await TokenSentToAsync(Email)), stored.ConfirmationTokenHash);
        Assert.Equal(stored.ConfirmationTokenExpiresAt, ConfirmationToken.ExpiryFrom(stored.CreatedAt));
    }

    [Fact]
    public async Task Should_refuse_a_comment_while_comments_are_off_or_the_campaign_is_closed()
    {
        var off = await Database.AddCampaignAsync("no-comments");
        var closed = await CampaignWithCommentsAsync(CommentMode.PostModerated, CampaignState.Closed);

        var refusedOff = await TakeAsync(off, Form(), Proof(off));
        var refusedClosed = await TakeAsync(closed, Form(), Proof(closed));

        Assert.Equal((FormResult.Refused, "This campaign does not take comments."), (refusedOff.Result, refusedOff.Refusal));
        Assert.Equal((FormResult.Refused, "This campaign is closed and no longer takes comments."), (refusedClosed.Result, refusedClosed.Refusal));
        Assert.Equal(0, await Database.WithDbAsync(db => db.Comments.CountAsync()));
        Assert.Equal(0, await Database.WithDbAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task Should_give_each_problem_its_field_and_spend_the_proof_of_work_only_once_the_rest_is_right()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        var proof = Proof(campaign);

        var wrong = await TakeAsync(campaign, Form(name: " ", email: "not an address", text: new string('a', Comment.TextMaxLength + 1)), proof);
        Assert.Equal(FormResult.Invalid, wrong.Result);
        Assert.Equal<(string?, string)>(
            [(nameof(CommentForm.Name), "Enter your name."), (nameof(CommentForm.Email), "Enter an email address like name@example.org."), (nameof(CommentForm.Text), "Your comment must be 2,000 characters or fewer.")],
            wrong.Problems.Select(p => (p.Field, p.Message)));

        // The proof was not spent by the refused form: the corrected one goes through with it.
        var missing = await TakeAsync(campaign, Form(), proof: null);
        var problem = Assert.Single(missing.Problems);
        Assert.Null(problem.Field);
        Assert.Contains("press Post comment again", problem.Message, StringComparison.Ordinal);
        Assert.Equal(FormResult.Taken, (await TakeAsync(campaign, Form(), proof)).Result);
        Assert.Equal(1, await Database.WithDbAsync(db => db.Comments.CountAsync()));
    }

    [Fact]
    public async Task Should_send_back_a_form_open_too_long_with_its_stamp_cleared()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        var form = Form();
        Database.Clock.Advance(BotChecks.MaximumFormAge + TimeSpan.FromMinutes(1));

        var outcome = await TakeAsync(campaign, form, Proof(campaign));

        Assert.Equal(FormResult.Invalid, outcome.Result);
        var problem = Assert.Single(outcome.Problems);
        Assert.Equal(nameof(CommentForm.Started), problem.Field);
        Assert.Contains("This page was open too long", problem.Message, StringComparison.Ordinal);
        Assert.Null(form.Started);
        Assert.Equal(Text, form.Text);
        Assert.Equal(0, await Database.WithDbAsync(db => db.Comments.CountAsync()));
    }

    [Fact]
    public async Task Should_answer_a_replayed_proof_of_work_or_a_filled_honeypot_like_any_comment_and_keep_nothing()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        var proof = Proof(campaign);
        Assert.Equal(FormResult.Taken, (await TakeAsync(campaign, Form(), proof)).Result);

        var replayed = await TakeAsync(campaign, Form(email: "again@example.org"), proof, "203.0.113.6");
        var trapped = Form(email: "script@example.org");
        trapped.Website = "https://spam.example";
        var honeypot = await TakeAsync(campaign, trapped, Proof(campaign), "203.0.113.7");

        Assert.Equal((FormResult.Taken, FormResult.Taken), (replayed.Result, honeypot.Result));
        Assert.Equal(1, await Database.WithDbAsync(db => db.Comments.CountAsync()));
        Assert.Equal([Email], (await ConfirmationEmailsAsync()).Select(m => m.To.Mailboxes.Single().Address));
    }

    [Fact]
    public async Task Should_publish_a_confirmed_comment_at_once_when_post_moderated_unless_a_rate_limit_held_it()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        await TakeAsync(campaign, Form(), Proof(campaign));
        await TakeAsync(campaign, Form(email: "second@example.org"), Proof(campaign));
        Assert.Equal(SigningRates.AddressReason, (await CommentAsync("second@example.org")).HeldBecause);
        var token = await TokenSentToAsync(Email);

        // Opening the link changes nothing: mail scanners follow links.
        Assert.Equal(CommentConfirmOutcome.Ready, (await LookUpAsync(token)).Outcome);
        Assert.Equal(CommentState.Pending, (await CommentAsync(Email)).State);

        var (confirmed, link) = await ConfirmAsync(token);
        Assert.True(confirmed);
        Assert.Equal(campaign.Id, link.Campaign?.Id);
        var published = await CommentAsync(Email);
        Assert.Equal(CommentState.Published, published.State);
        Assert.NotNull(published.ConfirmedAt);
        Assert.Equal(published.ConfirmedAt, published.PublishedAt);

        // Over the address's limit of one comment a minute: it waits for a moderator.
        Assert.True((await ConfirmAsync(await TokenSentToAsync("second@example.org"))).Confirmed);
        var held = await CommentAsync("second@example.org");
        Assert.Equal((CommentState.Waiting, (DateTime?)null), (held.State, held.PublishedAt));

        // A second press finds it confirmed, and says where it stands.
        var again = await ConfirmAsync(token);
        Assert.False(again.Confirmed);
        Assert.Equal((CommentConfirmOutcome.Confirmed, CommentState.Published), (again.Link.Outcome, again.Link.State));
    }

    [Fact]
    public async Task Should_keep_a_confirmed_comment_waiting_for_a_moderator_when_pre_moderated()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PreModerated);
        await TakeAsync(campaign, Form(), Proof(campaign));

        Assert.True((await ConfirmAsync(await TokenSentToAsync(Email))).Confirmed);

        var waiting = await CommentAsync(Email);
        Assert.Equal((CommentState.Waiting, (DateTime?)null), (waiting.State, waiting.PublishedAt));
        Assert.NotNull(waiting.ConfirmedAt);
    }

    [Fact]
    public async Task Should_confirm_nothing_through_an_unknown_or_expired_link_or_once_the_campaign_stops_taking_comments()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        await TakeAsync(campaign, Form(), Proof(campaign));
        await TakeAsync(campaign, Form(email: "late@example.org"), Proof(campaign), "203.0.113.9");
        var token = await TokenSentToAsync(Email);

        Assert.Equal(CommentConfirmOutcome.Unknown, (await ConfirmAsync("not-a-token")).Link.Outcome);
        Assert.Equal(CommentConfirmOutcome.Unknown, (await ConfirmAsync(new string('A', token.Length))).Link.Outcome);

        await Database.WithDbAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, CommentMode.Off)));
        var closed = await ConfirmAsync(token);
        Assert.Equal((false, CommentConfirmOutcome.Closed), (closed.Confirmed, closed.Link.Outcome));

        var expiresAt = (await CommentAsync("late@example.org")).ConfirmationTokenExpiresAt!.Value;
        Database.Clock.Advance(expiresAt - Database.Clock.GetUtcNow().UtcDateTime + TimeSpan.FromSeconds(1));
        var expired = await ConfirmAsync(await TokenSentToAsync("late@example.org"));
        Assert.Equal((false, CommentConfirmOutcome.Expired), (expired.Confirmed, expired.Link.Outcome));

        Assert.All(await Database.WithDbAsync(db => db.Comments.ToListAsync()), c => Assert.Equal(CommentState.Pending, c.State));
    }
}

public sealed class CommentIntakeOnSqlite() : CommentIntakeTests(DatabaseProvider.Sqlite);

public sealed class CommentIntakeOnPostgres() : CommentIntakeTests(DatabaseProvider.Postgres);
