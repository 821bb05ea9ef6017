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
/// from its host (<see cref="UpdatePublishing"/>), after a page that says to how many and offers a
/// test to oneself, and hiding it or showing it again (<see cref="UpdateVisibility"/>).
/// </summary>
[CampaignRole(StaffRoles.Organiser)]
public sealed class EditUpdateModel(
    CountersignDb db,
    MarkdownRenderer markdown,
    UpdatePublishing publishing,
    UpdateVisibility visibility,
    IStringLocalizer<SharedResource> t) : PageModel
{
    [BindProperty]
    public UpdateForm Input { get; set; } = new();

    public Campaign Campaign { get; private set; } = null!;

    /// <summary>The update as stored; null while writing a new one.</summary>
    public CampaignUpdate? Update { get; private set; }

    public UpdateProgress? Progress { get; private set; }

    /// <summary>The text as signers will read it, after the Preview button.</summary>
    public string? PreviewHtml { get; private set; }

    /// <summary>The signers the update would go to, while the page asks to confirm its sending (and only that).</summary>
    public int? ConfirmingRecipients { get; private set; }

    /// <summary>The update as the confirmation page shows it, sent back with the confirmation (<see cref="UpdatePublishing.Stamp"/>).</summary>
    public string? Stamp => Update is null ? null : UpdatePublishing.Stamp(Update);

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

    public string ListUrl => Url.Page("/Staff/Updates", new { id = Campaign.Id })!;

    public async Task<IActionResult> OnGetAsync(int id, string update, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken))
        {
            return NotFound();
        }

        if (Update is not null)
        {
            Input = UpdateForm.From(Update);
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

        var outcome = await publishing.SaveDraftAsync(Campaign, Update, ShownForm(), cancellationToken);
        return outcome.Result == UpdateResult.Done ? Redirected(outcome, "/Staff/EditUpdate", new { id = Campaign.Id, update = outcome.Update!.Id }) : Answer(outcome);
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
            Input = UpdateForm.From(Update!);
            return Page();
        }

        var problem = markdown.Render(Input.Body ?? "", out var html);
        if (problem != MarkdownProblem.None)
        {
            return Answer(UpdateOutcome.Invalid(new Dictionary<string, string> { [nameof(UpdateForm.Body)] = MarkdownRenderer.Explain(problem, t) }));
        }

        PreviewHtml = html;
        return Page();
    }

    /// <summary>Publishes the draft on the campaign page, without emailing it (a hidden update can be shown again, so no confirmation).</summary>
    public async Task<IActionResult> OnPostPublishAsync(int id, string update, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken))
        {
            return NotFound();
        }

        var outcome = await publishing.PublishAsync(Campaign, Update, ShownForm(), email: false, User, cancellationToken);
        return outcome.Result == UpdateResult.Done ? Redirected(outcome, "/Staff/Updates", new { id = Campaign.Id }) : Answer(outcome);
    }

    /// <summary>
    /// "Publish and email" on a draft, "Email it" on an update published before: the draft is saved, then the
    /// confirmation page shows to how many signers it would go. Sent only with <paramref name="confirmed"/>, that
    /// page's stamp of the update it showed.
    /// </summary>
    public async Task<IActionResult> OnPostSendAsync(int id, string update, string? confirmed, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken))
        {
            return NotFound();
        }

        if (confirmed is null || Update is null)
        {
            var prepared = await publishing.PrepareSendingAsync(Campaign, Update, ShownForm(), cancellationToken);
            return prepared.Result == UpdateResult.Done
                ? RedirectToPage("/Staff/EditUpdate", "Confirm", new { id = Campaign.Id, update = prepared.Update!.Id })
                : Answer(prepared);
        }

        // The confirmation sends the update as stored (and shown on that page), not a form.
        ModelState.Clear();
        Input = UpdateForm.From(Update);
        var outcome = await publishing.SendConfirmedAsync(Campaign, Update, confirmed, User, cancellationToken);
        return outcome.Result == UpdateResult.Done ? Redirected(outcome, "/Staff/Updates", new { id = Campaign.Id }) : Answer(outcome);
    }

    /// <summary>The page asking to confirm the sending: to how many signers, the email's text, and a test to oneself first.</summary>
    public async Task<IActionResult> OnGetConfirmAsync(int id, string update, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken) || Update is null)
        {
            return NotFound();
        }

        Input = UpdateForm.From(Update);
        var (problem, recipients) = await publishing.SendingCheckAsync(Campaign, Update, cancellationToken);
        if (problem is not null)
        {
            return Answer(problem);
        }

        ConfirmingRecipients = recipients;
        PreviewHtml = markdown.ToHtml(Update.BodyMarkdown, "update", Update.Id);
        return Page();
    }

    /// <summary>"Send a test to me": the update's email to the signed-in organiser alone, then back to the confirmation page.</summary>
    public async Task<IActionResult> OnPostTestAsync(int id, string update, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken) || Update is null)
        {
            return NotFound();
        }

        ModelState.Clear();
        Input = UpdateForm.From(Update);
        var outcome = await publishing.SendTestAsync(Campaign, Update, User, cancellationToken);
        return outcome.Result == UpdateResult.Done ? Redirected(outcome, "/Staff/EditUpdate", "Confirm", new { id = Campaign.Id, update = Update.Id }) : Answer(outcome);
    }

    /// <summary>Takes a published update off the campaign page and its JSON; its emails still to go are not sent.</summary>
    public Task<IActionResult> OnPostHideAsync(int id, string update, CancellationToken cancellationToken) =>
        ChangeVisibilityAsync(id, update, hide: true, cancellationToken);

    /// <summary>Shows a hidden update again; emails skipped when it was hidden stay unsent.</summary>
    public Task<IActionResult> OnPostRestoreAsync(int id, string update, CancellationToken cancellationToken) =>
        ChangeVisibilityAsync(id, update, hide: false, cancellationToken);

    private async Task<IActionResult> ChangeVisibilityAsync(int id, string update, bool hide, CancellationToken cancellationToken)
    {
        if (!await FindAsync(id, update, cancellationToken) || Update is null)
        {
            return NotFound();
        }

        Input = UpdateForm.From(Update);
        ModelState.Clear();
        var outcome = await visibility.ChangeAsync(Campaign, Update, hide, Reason, User, cancellationToken);
        if (outcome.Result == UpdateResult.Invalid)
        {
            ModelState.AddModelError(nameof(Reason), outcome.Message!);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        return outcome.Result == UpdateResult.Done ? Redirected(outcome, "/Staff/EditUpdate", new { id = Campaign.Id, update = Update.Id }) : Answer(outcome);
    }

    /// <summary>The form the action takes: as typed for a draft, and, for a published update, the update as it stands (so the page shows it so).</summary>
    private UpdateForm ShownForm()
    {
        ModelState.Clear();
        if (Update is { IsDraft: false } published)
        {
            Input = UpdateForm.From(published);
        }

        return Input;
    }

    private RedirectToPageResult Redirected(UpdateOutcome outcome, string page, object routeValues) => Redirected(outcome, page, handler: null, routeValues);

    private RedirectToPageResult Redirected(UpdateOutcome outcome, string page, string? handler, object routeValues)
    {
        Done = outcome.Message;
        return RedirectToPage(page, handler, routeValues);
    }

    /// <summary>The page again, with the form's problems by field or why the action was refused.</summary>
    private PageResult Answer(UpdateOutcome outcome)
    {
        Update = outcome.Update ?? Update;
        Refusal = outcome.Result is UpdateResult.Refused or UpdateResult.Unsendable ? outcome.Message : null;
        foreach (var (field, problem) in outcome.Problems ?? new Dictionary<string, string>())
        {
            ModelState.AddModelError($"{nameof(Input)}.{field}", problem);
        }

        Response.StatusCode = outcome.Result == UpdateResult.Refused ? StatusCodes.Status409Conflict : StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    private async Task<bool> FindAsync(int campaignId, string update, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Hosts.Where(h => h.LeftAt == null).OrderBy(h => h.Position))
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
}
