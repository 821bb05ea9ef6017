using System.Globalization;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Staff;
using Countersign.Updates;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// Writing an update (<c>/staff/campaigns/ID/updates/new</c>), previewing it, editing it while it is
/// a draft, publishing it on the campaign page and emailing it to the signers who agreed to hear
/// from its host. Emailing is claimed once: a second click, or a second server, is refused.
/// </summary>
[CampaignRole(StaffRoles.Organiser)]
public sealed class EditUpdateModel(
    CountersignDb db,
    CampaignCache campaigns,
    MarkdownRenderer markdown,
    UpdateSender sender,
    TimeProvider clock,
    IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public UpdateInput Input { get; set; } = new();

    public Campaign Campaign { get; private set; } = null!;

    /// <summary>The update as stored; null while writing a new one.</summary>
    public CampaignUpdate? Update { get; private set; }

    public UpdateProgress? Progress { get; private set; }

    /// <summary>The text as signers will read it, after the Preview button.</summary>
    public string? PreviewHtml { get; private set; }

    /// <summary>Why the last action was refused, for the whole page (field problems go with their fields).</summary>
    public string? Refusal { get; private set; }

    /// <summary>Why the update is hidden or shown again, for the audit log.</summary>
    [BindProperty]
    public string? Reason { get; set; }

    [TempData]
    public string? Done { get; set; }

    public bool IsNew => Update is null;

    /// <summary>Only drafts change: a published update stays as its readers (and recipients) saw it.</summary>
    public bool CanEdit => Update is null || Update.IsDraft;

    public string ListUrl => $"/staff/campaigns/{Campaign.Id}/updates";

    public async Task<IActionResult> OnGetAsync(int id, string update, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken))
        {
            return NotFound();
        }

        if (Update is not null)
        {
            Input = UpdateInput.From(Update);
        }
        else if (Campaign.Hosts.Count == 1)
        {
            Input.HostId = Campaign.Hosts[0].Id.ToString(CultureInfo.InvariantCulture);
        }

        return Page();
    }

    /// <summary>Saves the draft.</summary>
    public async Task<IActionResult> OnPostAsync(int id, string update, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken))
        {
            return NotFound();
        }

        if (!CanEdit)
        {
            Input = UpdateInput.From(Update!);
            return Refused(StatusCodes.Status409Conflict, t["This update is published: it can no longer be edited."]);
        }

        if (!IsValid())
        {
            return Unprocessable();
        }

        var draft = ApplyInput(clock.GetUtcNow().UtcDateTime);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return Refused(StatusCodes.Status409Conflict, t["Someone published this update at the same moment. Reload the page to see where it stands."]);
        }

        Done = t["The draft is saved."];
        return Redirect($"{ListUrl}/{draft.Id}");
    }

    /// <summary>Shows the text as signers will read it, keeping the form as typed; saves nothing.</summary>
    public async Task<IActionResult> OnPostPreviewAsync(int id, string update, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken))
        {
            return NotFound();
        }

        ModelState.Clear();
        if (!CanEdit)
        {
            // Its text as published is already shown (FindAsync rendered it).
            Input = UpdateInput.From(Update!);
            return Page();
        }

        var problem = markdown.Render(Input.Body ?? "", out var html);
        if (problem != MarkdownProblem.None)
        {
            InputProblem(nameof(UpdateInput.Body), MarkdownRenderer.Explain(problem, t));
            return Unprocessable();
        }

        PreviewHtml = html;
        return Page();
    }

    public Task<IActionResult> OnPostPublishAsync(int id, string update, CancellationToken cancellationToken) =>
        PublishAsync(id, update, email: false, cancellationToken);

    /// <summary>"Publish and email" on a draft; "Email it" on an update published before.</summary>
    public Task<IActionResult> OnPostSendAsync(int id, string update, CancellationToken cancellationToken) =>
        PublishAsync(id, update, email: true, cancellationToken);

    /// <summary>
    /// Publishes a draft (saving the form first) and, with <paramref name="email"/>, claims the update
    /// for sending and addresses it, all in one transaction with the audit entries. The claim is a
    /// conditional UPDATE (only while SentAt is unset), so of two clicks, or two servers, one sends
    /// and the other is refused; the emails themselves are written later by <see cref="UpdateSender"/>.
    /// </summary>
    private async Task<IActionResult> PublishAsync(int id, string update, bool email, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken))
        {
            return NotFound();
        }

        if (Update is { IsDraft: false } published)
        {
            Input = UpdateInput.From(published);
            if (published.IsHidden && email)
            {
                return Refused(StatusCodes.Status409Conflict, t["This update is hidden. Show it again before emailing it."]);
            }

            if (published.SentAt is not null)
            {
                return Refused(StatusCodes.Status409Conflict, AlreadySent(published));
            }

            if (!email)
            {
                return Refused(StatusCodes.Status409Conflict, t["This update is already published."]);
            }

            // Published before the form checked its text: no email of it could be built.
            if (markdown.ProblemWith(published.BodyMarkdown) != MarkdownProblem.None)
            {
                return Refused(StatusCodes.Status422UnprocessableEntity, t["This update's text cannot be turned into an email, so it cannot be sent. Hide it and publish a corrected one."]);
            }
        }
        else if (!IsValid())
        {
            return Unprocessable();
        }

        if (!Campaign.IsPublic)
        {
            return Refused(StatusCodes.Status409Conflict, t["Updates can be published once the campaign is public, after a moderator has approved it."]);
        }

        if (email && Campaign.PersonalDataErasedAt is not null)
        {
            return Refused(StatusCodes.Status409Conflict, t["This campaign's personal data has been erased: no signer can be emailed any more. You can still publish the update on the campaign page."]);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var target = Update;
        if (target is null || target.IsDraft)
        {
            target = ApplyInput(now);
            target.Publish(now);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                return Refused(StatusCodes.Status409Conflict, t["Someone published this update at the same moment. Reload the page to see where it stands."]);
            }

            db.Record(User, AuditAction.UpdatePublished, Campaign.Id, now, string.Create(CultureInfo.InvariantCulture, $"Update {target.Id}, from {target.HostName}"));
        }

        var recipients = 0;
        if (email)
        {
            var claimed = await db.CampaignUpdates.Where(u => u.Id == target.Id && u.SentAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.SentAt, now), cancellationToken);
            if (claimed == 0)
            {
                return Refused(StatusCodes.Status409Conflict, AlreadySent(target));
            }

            recipients = await UpdateDeliveries.AddRecipientsAsync(db, target, cancellationToken);
            await db.CampaignUpdates.Where(u => u.Id == target.Id)
                .ExecuteUpdateAsync(u => u.SetProperty(x => x.RecipientCount, recipients), cancellationToken);
            db.Record(User, AuditAction.UpdateSent, Campaign.Id, now,
                string.Create(CultureInfo.InvariantCulture, $"Update {target.Id}, from {target.HostName}: {recipients} recipients"));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        campaigns.Forget(Campaign.Slug);
        if (email)
        {
            sender.Wake();
        }

        Done = email
            ? t["Published, and being emailed to {0} signers who agreed to hear from {1}. The figures below show how sending goes.", recipients, target.HostName]
            : t["Published on the campaign page."];
        return Redirect(ListUrl);
    }

    /// <summary>Takes a published update off the campaign page and its JSON; its emails still to go are not sent.</summary>
    public Task<IActionResult> OnPostHideAsync(int id, string update, CancellationToken cancellationToken) =>
        ChangeVisibilityAsync(id, update, hide: true, cancellationToken);

    /// <summary>Shows a hidden update again; emails skipped when it was hidden stay unsent.</summary>
    public Task<IActionResult> OnPostRestoreAsync(int id, string update, CancellationToken cancellationToken) =>
        ChangeVisibilityAsync(id, update, hide: false, cancellationToken);

    /// <summary>Hides a published update or shows a hidden one (<see cref="UpdateVisibility"/>), with a reason for the audit log.</summary>
    private async Task<IActionResult> ChangeVisibilityAsync(int id, string update, bool hide, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken) || Update is null)
        {
            return NotFound();
        }

        Input = UpdateInput.From(Update);
        if (Update.State != UpdateVisibility.Move(hide).From)
        {
            return Refused(StatusCodes.Status409Conflict, hide ? t["Only a published update can be hidden."] : t["This update is not hidden."]);
        }

        ModelState.Clear();
        var reason = (Reason ?? "").Trim();
        if (reason.Length == 0)
        {
            ModelState.AddModelError(nameof(Reason), t["Give a reason: it is kept in the audit log."]);
        }
        else if (reason.Length > CampaignUpdate.ReasonMaxLength)
        {
            ModelState.AddModelError(nameof(Reason), t["The reason can be at most {0} characters long.", CampaignUpdate.ReasonMaxLength]);
        }

        if (!ModelState.IsValid)
        {
            return Unprocessable();
        }

        if (!await UpdateVisibility.MoveAsync(db, User, Update, hide, reason, clock.GetUtcNow().UtcDateTime, cancellationToken))
        {
            return Refused(StatusCodes.Status409Conflict, t["Someone changed this update at the same moment. Reload the page to see where it stands."]);
        }

        campaigns.Forget(Campaign.Slug);
        Done = hide ? t["The update is hidden: it no longer shows on the campaign page, and its emails not sent yet will not be."] : t["The update shows on the campaign page again."];
        return Redirect($"{ListUrl}/{Update.Id}");
    }

    private string AlreadySent(CampaignUpdate update) =>
        t["This update has already been emailed (on {0} UTC). An update is sent only once.",
            update.SentAt?.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "?"];

    /// <summary>The form into the draft (a new one is added to the context); the caller saves.</summary>
    private CampaignUpdate ApplyInput(DateTime now)
    {
        var host = Input.HostIn(Campaign)!;
        var draft = Update;
        if (draft is null)
        {
            draft = new CampaignUpdate { CampaignId = Campaign.Id, HostName = "", Title = "", BodyMarkdown = "", CreatedAt = now };
            db.CampaignUpdates.Add(draft);
            Update = draft;
        }

        draft.HostId = host.Id;
        draft.HostName = host.Name;
        draft.Title = Input.Title!.Trim();
        draft.BodyMarkdown = Input.Body!.Trim();
        draft.UpdatedAt = now;
        return draft;
    }

    /// <summary>Checks the form, putting each problem with its field.</summary>
    private bool IsValid()
    {
        ModelState.Clear();
        var title = Input.Title?.Trim() ?? "";
        if (title.Length == 0)
        {
            InputProblem(nameof(UpdateInput.Title), t["Give the update a title."]);
        }
        else if (title.Length > CampaignUpdate.TitleMaxLength)
        {
            InputProblem(nameof(UpdateInput.Title), t["The title can be at most {0} characters long.", CampaignUpdate.TitleMaxLength]);
        }

        if (Input.HostIn(Campaign) is null)
        {
            InputProblem(nameof(UpdateInput.HostId), t["Choose the host organisation this update speaks for."]);
        }

        var body = Input.Body?.Trim() ?? "";
        if (body.Length == 0)
        {
            InputProblem(nameof(UpdateInput.Body), t["Write the text of the update."]);
        }
        else if (body.Length > CampaignUpdate.BodyMaxLength)
        {
            InputProblem(nameof(UpdateInput.Body), t["The text can be at most {0} characters long.", CampaignUpdate.BodyMaxLength]);
        }
        else if (markdown.ProblemWith(body) is var problem and not MarkdownProblem.None)
        {
            // Checked at save, so neither the campaign page nor the sender meets a text it cannot render.
            InputProblem(nameof(UpdateInput.Body), MarkdownRenderer.Explain(problem, t));
        }

        return ModelState.IsValid;
    }

    private async Task<bool> FindAsync(int campaignId, string update, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Hosts.OrderBy(h => h.Position))
            .SingleOrDefaultAsync(c => c.Id == campaignId, cancellationToken);
        if (campaign is null)
        {
            return false;
        }

        Campaign = campaign;
        if (update == "new")
        {
            return true;
        }

        if (!CanonicalId.TryParse(update, out int updateId))
        {
            return false;
        }

        Update = await db.CampaignUpdates.SingleOrDefaultAsync(u => u.Id == updateId && u.CampaignId == campaignId, cancellationToken);
        if (Update is { IsDraft: false })
        {
            PreviewHtml = markdown.ToHtml(Update.BodyMarkdown, "update", Update.Id);
        }

        if (Update?.SentAt is not null)
        {
            Progress = (await UpdateDeliveries.ProgressAsync(db, [Update.Id], cancellationToken)).GetValueOrDefault(Update.Id);
        }

        return Update is not null;
    }

    private void InputProblem(string field, string message) => ModelState.AddModelError($"{nameof(Input)}.{field}", message);

    private PageResult Unprocessable()
    {
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private PageResult Refused(int status, string message)
    {
        Refusal = message;
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>The update form, as typed.</summary>
    public sealed class UpdateInput
    {
        public string? Title { get; set; }

        /// <summary>The id of one of the campaign's hosts, as the select posts it.</summary>
        public string? HostId { get; set; }
        public string? Body { get; set; }

        public static UpdateInput From(CampaignUpdate update) => new()
        {
            Title = update.Title,
            HostId = update.HostId.ToString(CultureInfo.InvariantCulture),
            Body = update.BodyMarkdown,
        };

        /// <summary>The chosen host, when it is one of the campaign's.</summary>
        public CampaignHost? HostIn(Campaign campaign) =>
            int.TryParse(HostId, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? campaign.Hosts.FirstOrDefault(h => h.Id == id) : null;
    }
}
