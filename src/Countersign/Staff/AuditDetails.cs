using System.Globalization;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Localisation;
using Microsoft.Extensions.Localization;

namespace Countersign.Staff;

/// <summary>
/// An audit entry's details in the reader's language. The log stores them as written when the
/// action happened, in English, and never changes a row; their parts (counts, dates, codes, what
/// staff typed) are read back from the forms the actions write, and put in a sentence of the
/// reader's language. Words typed by staff (reasons, timeline text) stay as they were typed.
/// </summary>
public static partial class AuditDetails
{
    /// <summary>The details in the reader's language; null when they are not in a form this version knows (shown as recorded).</summary>
    public static string? Describe(string action, string? details, IStringLocalizer t)
    {
        if (details is null)
        {
            return null;
        }

        switch (action)
        {
            case AuditAction.CampaignSentToSponsors when SponsorsNeeded().Match(details) is { Success: true } match:
                return t.Plural("Needs {0, plural, one {# supporting signature} other {# supporting signatures}}; has {1}.", Number(match, "needed"), Number(match, "has"));
            case AuditAction.CampaignSubmitted when SponsorsGathered().Match(details) is { Success: true } match:
                return t.Plural("{0} of the {1, plural, one {# supporting signature} other {# supporting signatures}} needed.", Number(match, "has"), Number(match, "needed"));
            case AuditAction.CampaignClosed when details == "Deadline passed":
                return t["Its deadline passed."];
            case AuditAction.CampaignWithdrawn when LeftRejected().Match(details) is { Success: true } match:
                return t["Left as the moderators sent it back since {0}: its supporters' personal data is erased.", Dates.Day(Day(match, "since"))];
            case AuditAction.CampaignApproved or AuditAction.CampaignRejected or AuditAction.ChangeApproved or AuditAction.ChangeRejected:
                return t["Reason: {0}", details];
            case AuditAction.CampaignEdited when details.StartsWith(WordingPrefix, StringComparison.Ordinal):
                return t["Wording changed: {0}", details[WordingPrefix.Length..]];
            case AuditAction.CampaignEdited when Settings().Match(details) is { Success: true } match:
                return t["Goal {0}; deadline {1}; milestones {2}.", Number(match, "goal").ToString("N0", CultureInfo.CurrentCulture),
                    match.Groups["deadline"].Value == "none" ? t["none"] : Dates.Day(Day(match, "deadline")),
                    Milestones(match.Groups["milestones"].Value) ?? t["none"]];
            case AuditAction.CommentModeChanged when CommentModes().Match(details) is { Success: true } match:
                return t["Comments: {0} → {1}", ModeName(match.Groups["from"].Value, t), ModeName(match.Groups["to"].Value, t)];
            case AuditAction.OutcomeRecorded:
                return Outcome(details, t);
            case AuditAction.TimelineEventAdded when TimelineAdded().Match(details) is { Success: true } match:
                return t["{0}: {1}", EventKind(match.Groups["kind"].Value, t), match.Groups["text"].Value];
            case AuditAction.TimelineEventRemoved when TimelineRemoved().Match(details) is { Success: true } match:
                return t["{0} of {1}: {2}", EventKind(match.Groups["kind"].Value, t), Dates.Day(Day(match, "day")), match.Groups["text"].Value];
            case AuditAction.RoleGranted when RoleGranted().Match(details) is { Success: true } match:
                return match.Groups["host"].Success
                    ? t["{0}; role: {1}, for {2}", match.Groups["email"].Value, Role(match.Groups["role"].Value, t), match.Groups["host"].Value]
                    : t["{0}; role: {1}", match.Groups["email"].Value, Role(match.Groups["role"].Value, t)];
            case AuditAction.RoleRevoked when RoleRevoked().Match(details) is { Success: true } match:
                return t["{0}; role: {1}", match.Groups["email"].Value, Role(match.Groups["role"].Value, t)];
            case AuditAction.StaffInvited when Invited().Match(details) is { Success: true } match:
                return Invitation(match.Groups["email"].Value, match.Groups["roles"].Value, t);
            case AuditAction.InvitationAccepted when Accepted().Match(details) is { Success: true } match:
                return t.Plural("{0}, {1, plural, one {# invitation} other {# invitations}}", match.Groups["email"].Value, Number(match, "count"));
            case AuditAction.InvitationWithdrawn when details.StartsWith("to ", StringComparison.Ordinal):
                return t["Sent to {0}", details[3..]];
            case AuditAction.StaffDisabled or AuditAction.StaffEnabled or AuditAction.StaffRemoved when AccountChange().Match(details) is { Success: true } match:
                return AccountChange(match, t);
            case AuditAction.SupportersExported when Exported().Match(details) is { Success: true } match:
                return t.Plural("{0, plural, one {# supporter} other {# supporters}} of {1}", Number(match, "count"), match.Groups["host"].Value);
            case AuditAction.CoSignaturesExported when SignatoriesExported().Match(details) is { Success: true } match:
                return t.Plural("{0, plural, one {# organisation} other {# organisations}}", Number(match, "count"));
            case AuditAction.CommentPublished or AuditAction.CommentHidden or AuditAction.CommentRestored when CommentDecided().Match(details) is { Success: true } match:
                return match.Groups["reason"].Success
                    ? t["Comment no. {0}; reason: {1}", match.Groups["id"].Value, match.Groups["reason"].Value]
                    : t["Comment no. {0}", match.Groups["id"].Value];
            case AuditAction.UpdatePublished when UpdateFrom().Match(details) is { Success: true } match:
                return t["Update no. {0}, from {1}", match.Groups["id"].Value, match.Groups["host"].Value];
            case AuditAction.UpdateSent when UpdateSent().Match(details) is { Success: true } match:
                return t.Plural("Update no. {0}, from {1}, to {2, plural, one {# recipient} other {# recipients}}", match.Groups["id"].Value, match.Groups["host"].Value, Number(match, "count"));
            case AuditAction.UpdateHidden or AuditAction.UpdateRestored when UpdateReason().Match(details) is { Success: true } match:
                return t["Update no. {0}; reason: {1}", match.Groups["id"].Value, match.Groups["reason"].Value];
            case AuditAction.SignaturesSetAside when SetAside().Match(details) is { Success: true } match:
                return t.Plural("{0}: {1, plural, one {# signature set aside} other {# signatures set aside}}, {2} of them counted", match.Groups["group"].Value, Number(match, "count"), Number(match, "counted"));
            case AuditAction.SetAsideUndone when CountAgain().Match(details) is { Success: true } match:
                return t.Plural("{0}: {1, plural, one {# signature counts} other {# signatures count}} again", match.Groups["group"].Value, Number(match, "count"));
            case AuditAction.SignaturesReleased when Released().Match(details) is { Success: true } match:
                return t.Plural("{0}: {1, plural, one {# held signature released} other {# held signatures released}}", match.Groups["group"].Value, Number(match, "count"));
            default:
                return null;
        }
    }

    private const string WordingPrefix = "Wording: ";

    private static long Number(Match match, string group) => long.Parse(match.Groups[group].Value, NumberStyles.None, CultureInfo.InvariantCulture);

    private static DateOnly Day(Match match, string group) => DateOnly.ParseExact(match.Groups[group].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string? Milestones(string list) => list.Length == 0
        ? null
        : string.Join(", ", list.Split(", ").Select(milestone => long.Parse(milestone, NumberStyles.None, CultureInfo.InvariantCulture).ToString("N0", CultureInfo.CurrentCulture)));

    private static string ModeName(string mode, IStringLocalizer t) => mode switch
    {
        CommentMode.Off => t["no comments"],
        CommentMode.PreModerated => t["pre-moderated"],
        CommentMode.PostModerated => t["post-moderated"],
        _ => mode,
    };

    private static string Outcome(string outcome, IStringLocalizer t) => outcome switch
    {
        CampaignOutcome.Won => t["Won"],
        CampaignOutcome.PartlyWon => t["Partly won"],
        CampaignOutcome.Lost => t["Lost"],
        CampaignOutcome.Ongoing => t["Ongoing"],
        _ => outcome,
    };

    private static string EventKind(string kind, IStringLocalizer t) => kind switch
    {
        CampaignEventKind.TargetResponded => t["The target responded"],
        CampaignEventKind.Action => t["Action"],
        CampaignEventKind.News => t["News"],
        CampaignEventKind.Milestone => t["Milestone"],
        _ => kind,
    };

    private static string Role(string role, IStringLocalizer t) => role switch
    {
        StaffRoles.Organiser => t["Organiser"],
        StaffRoles.Partner => t["Partner"],
        StaffRoles.Admin => t["admin"],
        StaffRoles.Moderator => t["moderator"],
        _ => role,
    };

    /// <summary>An invitation, with one campaign role, global roles separated by commas, or "no role".</summary>
    private static string Invitation(string email, string roles, IStringLocalizer t)
    {
        if (roles == "no role")
        {
            return t["{0}; no role", email];
        }

        var names = roles.Split(", ").Select(role => Role(role, t)).ToList();
        return t.Plural("{0}; {1, plural, one {role} other {roles}}: {2}", email, names.Count, string.Join(", ", names));
    }

    private static string AccountChange(Match match, IStringLocalizer t)
    {
        var parts = new List<string> { match.Groups["email"].Value };
        if (match.Groups["cli"].Success)
        {
            parts.Add(t["from the command line"]);
        }

        if (match.Groups["withdrawn"].Success)
        {
            parts.Add(t.Plural("{0, plural, one {# waiting invitation they sent withdrawn} other {# waiting invitations they sent withdrawn}}", Number(match, "withdrawn")));
        }

        return string.Join(", ", parts);
    }

    // The forms below are those the actions write (CampaignLifecycle, StaffAccounts, SignatureModeration...).
    [GeneratedRegex(@"^Needs (?<needed>\d+) supporting signatures, has (?<has>\d+)$")]
    private static partial Regex SponsorsNeeded();

    [GeneratedRegex(@"^(?<has>\d+) supporting signatures of (?<needed>\d+) needed$")]
    private static partial Regex SponsorsGathered();

    [GeneratedRegex(@"^Left as the moderators sent it back since (?<since>\d{4}-\d{2}-\d{2}): its supporters' personal data is erased$")]
    private static partial Regex LeftRejected();

    [GeneratedRegex(@"^Goal (?<goal>\d+), deadline (?<deadline>\d{4}-\d{2}-\d{2}|none), milestones (?<milestones>(?:\d+(?:, \d+)*)?)$")]
    private static partial Regex Settings();

    [GeneratedRegex(@"^Comments: (?<from>[a-z-]*) → (?<to>[a-z-]+)$")]
    private static partial Regex CommentModes();

    [GeneratedRegex(@"^(?<kind>[a-z-]+): (?<text>.*)$", RegexOptions.Singleline)]
    private static partial Regex TimelineAdded();

    [GeneratedRegex(@"^(?<kind>[a-z-]+) of (?<day>\d{4}-\d{2}-\d{2}): (?<text>.*)$", RegexOptions.Singleline)]
    private static partial Regex TimelineRemoved();

    [GeneratedRegex(@"^(?<role>organiser|partner) to (?<email>\S+)(?: for (?<host>.+))?$")]
    private static partial Regex RoleGranted();

    [GeneratedRegex(@"^(?<role>organiser|partner) from (?<email>\S+)$")]
    private static partial Regex RoleRevoked();

    [GeneratedRegex(@"^(?<roles>no role|[a-z]+(?:, [a-z]+)*) to (?<email>\S+)$")]
    private static partial Regex Invited();

    [GeneratedRegex(@"^(?<email>\S+), (?<count>\d+) invitation\(s\)$")]
    private static partial Regex Accepted();

    [GeneratedRegex(@"^(?<email>[^,\s]+)(?<cli>, from the command line)?(?:, (?<withdrawn>\d+) waiting invitation\(s\) they sent withdrawn)?$")]
    private static partial Regex AccountChange();

    [GeneratedRegex(@"^(?<count>\d+) supporters of (?<host>.+)$")]
    private static partial Regex Exported();

    [GeneratedRegex(@"^(?<count>\d+) organisations$")]
    private static partial Regex SignatoriesExported();

    [GeneratedRegex(@"^Comment (?<id>\d+)(?:: (?<reason>.*))?$", RegexOptions.Singleline)]
    private static partial Regex CommentDecided();

    [GeneratedRegex(@"^Update (?<id>\d+), from (?<host>.+)$")]
    private static partial Regex UpdateFrom();

    [GeneratedRegex(@"^Update (?<id>\d+), from (?<host>.+): (?<count>\d+) recipients$")]
    private static partial Regex UpdateSent();

    [GeneratedRegex(@"^Update (?<id>\d+): (?<reason>.*)$", RegexOptions.Singleline)]
    private static partial Regex UpdateReason();

    [GeneratedRegex(@"^(?<group>.+): (?<count>\d+) set aside, (?<counted>\d+) had counted$")]
    private static partial Regex SetAside();

    [GeneratedRegex(@"^(?<group>.+): (?<count>\d+) count again$")]
    private static partial Regex CountAgain();

    [GeneratedRegex(@"^(?<group>.+): (?<count>\d+) released$")]
    private static partial Regex Released();
}
