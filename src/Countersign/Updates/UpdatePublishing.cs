using System.Globalization;
using System.Security.Claims;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Localisation;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Updates;

/// <summary>
/// Writing an update, publishing it on the campaign page and emailing it to the signers who agreed
/// to hear from its host. Only drafts change: a published update stays as its readers (and
/// recipients) saw it. Emailing cannot be undone, so it is asked for (<see cref="PrepareSendingAsync"/>),
/// shown with its recipients and tried out (<see cref="SendTestAsync"/>), then confirmed
/// (<see cref="SendConfirmedAsync"/>); it is claimed once: a second click, or a second server, is refused.
/// </summary>
public sealed class UpdatePublishing(
    CountersignDb db,
    CampaignCache campaigns,
    MarkdownRenderer markdown,
    UpdateSender sender,
    SignerEmails emails,
    Outbox outbox,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t)
{
    /// <summary>
    /// The update as an organiser confirmed sending it: a draft edited since (in another tab, by a co-organiser) is not
    /// sent on a confirmation given for another text.
    /// </summary>
    public static string Stamp(CampaignUpdate update) => update.UpdatedAt.Ticks.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// "Publish and email" (or "Email it") pressed: nothing goes yet. A draft is saved as typed, so the confirmation
    /// shows, and the test sends, exactly what would go; refused as <see cref="PublishAsync"/> would refuse it.
    /// </summary>
    public async Task<UpdateOutcome> PrepareSendingAsync(Campaign campaign, CampaignUpdate? update, UpdateForm form, CancellationToken cancellationToken)
    {
        if (SendingProblem(campaign, update, form, email: true) is { } problem)
        {
            return problem;
        }

        return update is { IsDraft: false } ? new UpdateOutcome(UpdateResult.Done, Update: update) : await SaveDraftAsync(campaign, update, form, cancellationToken);
    }

    /// <summary>
    /// What sending the stored update would do now, for the page asking to confirm it: how many signers it would go
    /// to (as <see cref="UpdateDeliveries.AddRecipientsAsync"/> would address it), or why it cannot be sent (sent
    /// meanwhile, hidden, the campaign's data erased).
    /// </summary>
    public async Task<(UpdateOutcome? Problem, int Recipients)> SendingCheckAsync(Campaign campaign, CampaignUpdate update, CancellationToken cancellationToken) =>
        SendingProblem(campaign, update, UpdateForm.From(update), email: true) is { } problem
            ? (problem, 0)
            : (null, await UpdateDeliveries.CountRecipientsAsync(db, campaign.Id, update.HostId, cancellationToken));

    /// <summary>
    /// The organiser confirmed: the stored update is published (if still a draft) and emailed, unless it changed since
    /// the confirmation page showed it (<paramref name="stamp"/>), which asks for a new look.
    /// </summary>
    public async Task<UpdateOutcome> SendConfirmedAsync(Campaign campaign, CampaignUpdate update, string? stamp, ClaimsPrincipal organiser, CancellationToken cancellationToken)
    {
        if (stamp != Stamp(update) && update.SentAt is null)
        {
            return UpdateOutcome.Refused(t["This update was changed after you opened the page to confirm its sending, so nothing was sent. Read it again, then confirm."]) with { Update = update };
        }

        return await PublishAsync(campaign, update, UpdateForm.From(update), email: true, organiser, cancellationToken);
    }

    /// <summary>
    /// The stored update's email, as signers would get it, to the organiser alone (their staff address, in their
    /// language), marked as a test: it goes through the outbox like any email but is no delivery of the update, so
    /// nothing about the update changes and it can still be edited and sent.
    /// </summary>
    public async Task<UpdateOutcome> SendTestAsync(Campaign campaign, CampaignUpdate update, ClaimsPrincipal organiser, CancellationToken cancellationToken)
    {
        var address = AuditLog.StaffIdOf(organiser) is { } staffId
            ? await db.StaffUsers.Where(u => u.Id == staffId).Select(u => u.Email).SingleOrDefaultAsync(cancellationToken)
            : null;
        if (address is null)
        {
            return UpdateOutcome.Refused(t["Your account has no email address to send a test to."]);
        }

        if (markdown.Render(update.BodyMarkdown, out var bodyHtml) != MarkdownProblem.None)
        {
            return new UpdateOutcome(UpdateResult.Unsendable, t["This update's text cannot be turned into an email, so it cannot be sent. Hide it and publish a corrected one."]);
        }

        outbox.Add(db, SignerEmails.UpdateTestKind, emails.UpdateTest(campaign, update, bodyHtml, address, CultureInfo.CurrentUICulture.Name));
        await db.SaveChangesAsync(cancellationToken);
        outbox.WakeSender();
        return new UpdateOutcome(UpdateResult.Done, t["A test is on its way to {0}. No signer has been sent anything.", address], Update: update);
    }

    /// <summary>Saves the form as the draft <paramref name="update"/>, or as a new draft when it is null.</summary>
    public async Task<UpdateOutcome> SaveDraftAsync(Campaign campaign, CampaignUpdate? update, UpdateForm form, CancellationToken cancellationToken)
    {
        if (update is { IsDraft: false })
        {
            return UpdateOutcome.Refused(t["This update is published: it can no longer be edited."]);
        }

        if (Problems(campaign, form) is { Count: > 0 } problems)
        {
            return UpdateOutcome.Invalid(problems);
        }

        var draft = Apply(campaign, update, form, clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return UpdateOutcome.Refused(t["Someone published this update at the same moment. Reload the page to see where it stands."]);
        }

        return new UpdateOutcome(UpdateResult.Done, t["The draft is saved."], Update: draft);
    }

    /// <summary>
    /// Publishes a draft (saving the form first; a new one when <paramref name="update"/> is null) and,
    /// with <paramref name="email"/>, claims the update for sending and addresses it, all in one
    /// transaction with the audit entries; with <paramref name="email"/>, an update published before is
    /// emailed. The claim is a conditional UPDATE (only while SentAt is unset), so of two clicks, or two
    /// servers, one sends and the other is refused; the emails themselves are written later by <see cref="UpdateSender"/>.
    /// </summary>
    public async Task<UpdateOutcome> PublishAsync(Campaign campaign, CampaignUpdate? update, UpdateForm form, bool email, ClaimsPrincipal organiser, CancellationToken cancellationToken)
    {
        if (SendingProblem(campaign, update, form, email) is { } problem)
        {
            return problem;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var target = update;
        if (target is null || target.IsDraft)
        {
            target = Apply(campaign, target, form, now);
            target.Publish(now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return UpdateOutcome.Refused(t["Someone published this update at the same moment. Reload the page to see where it stands."]) with { Update = target };
            }

            db.Record(organiser, AuditAction.UpdatePublished, campaign.Id, now, string.Create(CultureInfo.InvariantCulture, $"Update {target.Id}, from {target.HostName}"));
        }

        var recipients = 0;
        if (email)
        {
            var claimed = await db.CampaignUpdates.Where(u => u.Id == target.Id && u.SentAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.SentAt, now), cancellationToken);
            if (claimed == 0)
            {
                return UpdateOutcome.Refused(AlreadySent(target)) with { Update = target };
            }

            recipients = await UpdateDeliveries.AddRecipientsAsync(db, target, cancellationToken);
            await db.CampaignUpdates.Where(u => u.Id == target.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.RecipientCount, recipients), cancellationToken);
            db.Record(organiser, AuditAction.UpdateSent, campaign.Id, now,
                string.Create(CultureInfo.InvariantCulture, $"Update {target.Id}, from {target.HostName}: {recipients} recipients"));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        campaigns.Forget(campaign.Slug);
        if (email)
        {
            sender.Wake();
        }

        var done = email
            ? t.Plural("{0, plural, =0 {Published. No signer has agreed to hear from {1}, so nobody is emailed.} one {Published, and being emailed to the one signer who agreed to hear from {1}. The figures below show how sending goes.} other {Published, and being emailed to # signers who agreed to hear from {1}. The figures below show how sending goes.}}", recipients, target.HostName)
            : t["Published on the campaign page."];
        return new UpdateOutcome(UpdateResult.Done, done, Update: target);
    }

    /// <summary>Why the update (a draft as typed in <paramref name="form"/>, or as published) cannot be published, or emailed, now; null when it can.</summary>
    private UpdateOutcome? SendingProblem(Campaign campaign, CampaignUpdate? update, UpdateForm form, bool email)
    {
        if (update is { IsDraft: false } published)
        {
            if (published.IsHidden && email)
            {
                return UpdateOutcome.Refused(t["This update is hidden. Show it again before emailing it."]);
            }

            if (published.SentAt is not null)
            {
                return UpdateOutcome.Refused(AlreadySent(published));
            }

            if (!email)
            {
                return UpdateOutcome.Refused(t["This update is already published."]);
            }

            // Published before the form checked its text: no email of it could be built.
            if (markdown.ProblemWith(published.BodyMarkdown) != MarkdownProblem.None)
            {
                return new UpdateOutcome(UpdateResult.Unsendable, t["This update's text cannot be turned into an email, so it cannot be sent. Hide it and publish a corrected one."]);
            }
        }
        else if (Problems(campaign, form) is { Count: > 0 } problems)
        {
            return UpdateOutcome.Invalid(problems);
        }

        if (!campaign.IsPublic)
        {
            return UpdateOutcome.Refused(t["Updates can be published once the campaign is public, after a moderator has approved it."]);
        }

        if (email && campaign.PersonalDataErasedAt is not null)
        {
            return UpdateOutcome.Refused(t["This campaign's personal data has been erased: no signer can be emailed any more. You can still publish the update on the campaign page."]);
        }

        return null;
    }

    /// <summary>The form's problems, by field (its property names), in the reader's language; none when it can be saved.</summary>
    public Dictionary<string, string> Problems(Campaign campaign, UpdateForm form)
    {
        var problems = new Dictionary<string, string>();
        var title = form.Title?.Trim() ?? "";
        if (title.Length == 0)
        {
            problems[nameof(UpdateForm.Title)] = t["Give the update a title."];
        }
        else if (title.Length > CampaignUpdate.TitleMaxLength)
        {
            problems[nameof(UpdateForm.Title)] = t.Plural("The title can be at most {0, plural, one {# character} other {# characters}} long.", CampaignUpdate.TitleMaxLength);
        }

        if (form.HostIn(campaign) is null)
        {
            problems[nameof(UpdateForm.HostId)] = t["Choose the host organisation this update speaks for."];
        }

        var body = form.Body?.Trim() ?? "";
        if (body.Length == 0)
        {
            problems[nameof(UpdateForm.Body)] = t["Write the text of the update."];
        }
        else if (body.Length > CampaignUpdate.BodyMaxLength)
        {
            problems[nameof(UpdateForm.Body)] = t.Plural("The text can be at most {0, plural, one {# character} other {# characters}} long.", CampaignUpdate.BodyMaxLength);
        }
        else if (markdown.ProblemWith(body) is var problem and not MarkdownProblem.None)
        {
            // Checked at save, so neither the campaign page nor the sender meets a text it cannot render.
            problems[nameof(UpdateForm.Body)] = MarkdownRenderer.Explain(problem, t);
        }

        return problems;
    }

    private string AlreadySent(CampaignUpdate update) =>
        t["This update has already been emailed (on {0} UTC). An update is sent only once.",
            update.SentAt?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "?"];

    /// <summary>The form into the draft (a new one is added to the context); the caller saves.</summary>
    private CampaignUpdate Apply(Campaign campaign, CampaignUpdate? draft, UpdateForm form, DateTime now)
    {
        var host = form.HostIn(campaign)!;
        if (draft is null)
        {
            draft = new CampaignUpdate { CampaignId = campaign.Id, HostName = "", Title = "", BodyMarkdown = "", CreatedAt = now };
            db.CampaignUpdates.Add(draft);
        }

        draft.HostId = host.Id;
        draft.HostName = host.Name;
        draft.Title = form.Title!.Trim();
        draft.BodyMarkdown = form.Body!.Trim();
        draft.UpdatedAt = now;
        return draft;
    }
}
