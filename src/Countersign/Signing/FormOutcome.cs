namespace Countersign.Signing;

/// <summary>What became of a public form (signing or commenting) handed to its service.</summary>
public enum FormResult
{
    /// <summary>Taken (or, for a script's, answered as if taken): every outcome leads to the same check-your-email page.</summary>
    Taken,

    /// <summary>Refused as a whole (see <see cref="FormOutcome.Refusal"/>): the campaign does not take it.</summary>
    Refused,

    /// <summary>Problems the person can fix, by field (see <see cref="FormOutcome.Problems"/>); the form comes back as typed.</summary>
    Invalid,

    /// <summary>The queue is full or the database cannot be reached just now: the form comes back as typed, to be sent again shortly.</summary>
    Busy,
}

/// <summary>What became of a public form, with the problems or the refusal the page shows.</summary>
public sealed record FormOutcome(FormResult Result, IReadOnlyList<FormProblem> Problems, string? Refusal = null)
{
    public static readonly FormOutcome Taken = new(FormResult.Taken, []);

    public static readonly FormOutcome Busy = new(FormResult.Busy, []);

    public static FormOutcome Invalid(IReadOnlyList<FormProblem> problems) => new(FormResult.Invalid, problems);

    public static FormOutcome Refused(string refusal) => new(FormResult.Refused, [], refusal);
}
