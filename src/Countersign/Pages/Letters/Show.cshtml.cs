using System.Globalization;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Letters;
using Countersign.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Countersign.Pages.Letters;

/// <summary>
/// A campaign's open letter: its text, the organisations that co-signed it (grouped by kind or country, with their
/// marks and nesting, and the totals), and the form for another organisation to co-sign, taken by <see cref="LetterIntake"/>.
/// </summary>
public sealed class ShowModel(CountersignDb db, CampaignCache campaigns, MarkdownRenderer markdown, LetterIntake intake, FormChecks checks) : PageModel
{
    public PublicLetter Letter { get; private set; } = null!;
    public Campaign Campaign => Letter.Campaign;

    /// <summary>How the reader chose to group the list (<see cref="PublicLetter.ByKind"/> or <see cref="PublicLetter.ByCountry"/>).</summary>
    public string GroupedBy { get; private set; } = PublicLetter.ByKind;

    /// <summary>The organisations the form offers as parents: those on the letter.</summary>
    public IReadOnlyList<(long Id, string Name)> Parents { get; private set; } = [];

    [BindProperty]
    public CoSignForm CoSign { get; set; } = new();

    /// <summary>Why the form was refused as a whole (the campaign closed since the page was opened).</summary>
    public string? Refusal { get; private set; }

    /// <summary>The database could not take the form just now: the page asks to press the button again.</summary>
    public bool Busy { get; private set; }

    public bool AsksForProofOfWork => checks.AsksForProofOfWork;

    /// <summary>The form field of the proof of work's problem, if any (not part of <see cref="CoSign"/>).</summary>
    public const string ProofOfWorkField = "CoSignProofOfWork";

    public string ChallengePath => Url.RouteUrl(ProofOfWorkEndpoint.CoSignatureChallenge, new { slug = Campaign.Slug })!;

    public async Task<IActionResult> OnGetAsync(string slug, string? by, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        GroupedBy = by == PublicLetter.ByCountry ? PublicLetter.ByCountry : PublicLetter.ByKind;
        return await ShowPageAsync(cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string slug, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(slug, cancellationToken))
        {
            return NotFound();
        }

        // Our own validation decides; binding errors (a box that is not a boolean, say) are just bad input.
        ModelState.Clear();
        var outcome = await intake.TakeAsync(Campaign, CoSign, Request.Form[ProofOfWork.FormField], HttpContext.Connection.RemoteIpAddress, cancellationToken);
        switch (outcome.Result)
        {
            case FormResult.Refused:
                Refusal = outcome.Refusal;
                Response.StatusCode = StatusCodes.Status409Conflict;
                return await ShowPageAsync(cancellationToken);
            case FormResult.Invalid:
                foreach (var problem in outcome.Problems)
                {
                    ModelState.AddModelError(problem.Field is null ? ProofOfWorkField : $"{nameof(CoSign)}.{problem.Field}", problem.Message);
                }

                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return await ShowPageAsync(cancellationToken);
            case FormResult.Busy:
                Busy = true;
                Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                Response.Headers.RetryAfter = IntakeBusyException.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
                return await ShowPageAsync(cancellationToken);
        }

        return RedirectToPage("/Letters/CheckEmail", new { slug = Campaign.Slug });
    }

    private async Task<bool> LoadAsync(string slug, CancellationToken cancellationToken)
    {
        var letter = await PublicLetter.ReadAsync(db, campaigns, markdown, slug, cancellationToken);
        if (letter is null)
        {
            return false;
        }

        Letter = letter;
        return true;
    }

    private async Task<PageResult> ShowPageAsync(CancellationToken cancellationToken)
    {
        // A form shown again keeps the time it was first handed out, like the rest of what was typed.
        CoSign.Started ??= checks.IssueStamp();
        if (Campaign.TakesCoSignatures)
        {
            Parents = await intake.ParentsAsync(Campaign.Id, cancellationToken);
        }

        return Page();
    }
}
