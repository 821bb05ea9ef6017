using Microsoft.Extensions.Localization;

namespace Countersign.Signing;

/// <summary>
/// A problem with a public form, in the reader's language: with one of the form's fields (by its
/// property name), or with its proof of work when <see cref="Field"/> is null (the widget is not a field of the form).
/// </summary>
public sealed record FormProblem(string? Field, string Message);

/// <summary>
/// What the checks of a public form found: its problems, whether its stamp was out of date (the
/// form then comes back with a fresh one), and, when there is no problem, why it looks scripted (or
/// null) and the proof-of-work challenge it spent.
/// </summary>
public sealed record FormCheck(IReadOnlyList<FormProblem> Problems, bool StampOutOfDate, string? Suspicion, SpentChallenge? Spent);

/// <summary>
/// The checks every public form (signing, commenting, co-signing a letter) goes through, in order: the form's own
/// fields, its stamp (<see cref="BotChecks"/>), then its proof of work (<see cref="ProofOfWork"/>) and
/// honeypot, with the words that tell a person what to do when a check needs them to press the button again.
/// </summary>
public sealed class FormChecks(BotChecks bots, ProofOfWork proofOfWork, IStringLocalizer<SharedResource> t)
{
    /// <summary>Whether the forms carry the proof-of-work widget.</summary>
    public bool AsksForProofOfWork => proofOfWork.Enabled;

    /// <summary>A stamp of now for a form handed out.</summary>
    public string IssueStamp() => bots.IssueStamp();

    /// <summary>
    /// Checks a form whose own fields gave <paramref name="fieldProblems"/> (untranslated, by field, as
    /// the forms' Validate give them). A form whose stamp is out of date (see <see cref="BotChecks.IsOutOfDate"/>)
    /// comes back as typed, with a fresh stamp, so pressing the button once more is enough. The proof of
    /// work is checked only once the rest is right: checking spends the challenge, and a person
    /// correcting a field should not have to wait for a new one.
    /// </summary>
    public FormCheck Check(Dictionary<string, string> fieldProblems, string? honeypot, string? stamp, string stampField,
        string? proof, int campaignId, ProofOfWorkPurpose form)
    {
        var problems = fieldProblems.Select(problem => new FormProblem(problem.Key, t[problem.Value])).ToList();
        var outOfDate = bots.IsOutOfDate(stamp);
        if (outOfDate)
        {
            problems.Add(new FormProblem(stampField, t["This page was open too long for us to take the form. Everything you typed is still here: press {0} again.", ButtonOf(form)]));
        }

        if (problems.Count > 0)
        {
            return new FormCheck(problems, outOfDate, null, null);
        }

        var (proofProblem, suspicion, spent) = CheckProof(proof, campaignId, form);
        if (proofProblem is not null)
        {
            return new FormCheck([new FormProblem(null, proofProblem)], outOfDate, null, null);
        }

        return new FormCheck([], outOfDate, suspicion ?? bots.Suspicion(honeypot, stamp), spent);
    }

    /// <summary>
    /// A missing, forged or expired proof of work is a problem the person can fix (their browser
    /// solves a new challenge); a solution used before is a script's, or a double click, and is
    /// answered like any submission but not taken.
    /// </summary>
    private (string? Problem, string? Suspicion, SpentChallenge? Spent) CheckProof(string? payload, int campaignId, ProofOfWorkPurpose form)
    {
        if (!proofOfWork.Enabled)
        {
            return (null, null, null);
        }

        return proofOfWork.Check(payload, campaignId, form, out var spent) switch
        {
            ProofOfWorkResult.Solved => (null, null, spent),
            ProofOfWorkResult.Replayed => (null, BotChecks.ReplayedReason, null),
            ProofOfWorkResult.Expired => (t["The anti-spam check expired while the page was open. It has started again: press {0} once it shows as done.", ButtonOf(form)].Value, null, null),
            _ => (t["Wait a moment for the anti-spam check to finish (it runs in your browser, no data leaves it), then press {0} again.", ButtonOf(form)].Value, null, null),
        };
    }

    /// <summary>The button of the form, as the page names it.</summary>
    private string ButtonOf(ProofOfWorkPurpose form) => form switch
    {
        ProofOfWorkPurpose.Signing => t["Sign"],
        ProofOfWorkPurpose.Comment => t["Post comment"],
        _ => t["Sign on behalf of the organisation"],
    };
}
