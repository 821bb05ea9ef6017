using Countersign.Campaigns;
using Microsoft.Extensions.Localization;

namespace Countersign.Updates;

/// <summary>Why the sender gave up on an update, as stored in <see cref="CampaignUpdate.SendingFailure"/>.</summary>
public static class UpdateFailure
{
    /// <summary>Its text is nested deeper than the Markdown renderer allows (saved before the form checked it).</summary>
    public const string TextTooDeep = "text-too-deep";

    /// <summary>Its text cannot be rendered for another reason.</summary>
    public const string TextUnreadable = "text-unreadable";

    public const int MaxLength = 32;

    public static string For(MarkdownProblem problem) => problem == MarkdownProblem.TooDeep ? TextTooDeep : TextUnreadable;

    /// <summary>The failure in its organisers' language, as the end of a sentence.</summary>
    public static string Explain(string failure, IStringLocalizer t) => failure switch
    {
        TextTooDeep => t["its text is nested too deeply to be turned into an email (lists, quotes, links or emphasis inside one another)."],
        TextUnreadable => t["its text could not be turned into an email."],
        _ => failure,
    };
}
