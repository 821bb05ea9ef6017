namespace Countersign.Updates;

/// <summary>How an organiser's action on an update went.</summary>
public enum UpdateResult
{
    Done,

    /// <summary>The form has problems, by field (<see cref="UpdateOutcome.Problems"/>): it comes back as typed.</summary>
    Invalid,

    /// <summary>Refused as the update or the campaign stands (or changed meanwhile): a conflict.</summary>
    Refused,

    /// <summary>Refused because the update's stored text cannot be turned into an email.</summary>
    Unsendable,
}

/// <summary>
/// How an action on an update went: the message the page shows (what was done, or why not), the form's
/// problems by field, and the update it acted on (a new draft has its id only once saved).
/// </summary>
public sealed record UpdateOutcome(UpdateResult Result, string? Message = null, IReadOnlyDictionary<string, string>? Problems = null, CampaignUpdate? Update = null)
{
    public static UpdateOutcome Refused(string message) => new(UpdateResult.Refused, message);

    public static UpdateOutcome Invalid(IReadOnlyDictionary<string, string> problems) => new(UpdateResult.Invalid, Problems: problems);
}
