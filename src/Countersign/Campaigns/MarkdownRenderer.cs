using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Ganss.Xss;
using Markdig;
using Microsoft.Extensions.Localization;

namespace Countersign.Campaigns;

/// <summary>
/// Turns organisers' Markdown into safe HTML: raw HTML is disabled in the Markdown pipeline and the
/// result is sanitised as well, so neither a bug in one nor a clever input opens a script hole.
/// Markdig refuses some texts by throwing (anything nested deeper than <see cref="MarkdownPipeline.MaximumNestingDepth"/>:
/// a list 130 levels deep, 20,000 '&gt;' or '[' in a row), so forms check a text with <see cref="Render"/> before
/// saving it, and pages show stored text with <see cref="ToHtml"/>, which never throws.
/// </summary>
public sealed partial class MarkdownRenderer(ILogger<MarkdownRenderer> logger)
{
    private readonly MarkdownPipeline _pipeline = new MarkdownPipelineBuilder()
        .DisableHtml()
        .UseAutoLinks()
        .UseEmphasisExtras()
        .UseListExtras()
        .Build();

    private readonly HtmlSanitizer _sanitizer = CreateSanitizer();

    /// <summary>
    /// The safe HTML of <paramref name="markdown"/> and <see cref="MarkdownProblem.None"/>, or why it
    /// cannot be rendered (and no HTML): the one check the forms and the update sender share.
    /// </summary>
    public MarkdownProblem Render(string markdown, out string html)
    {
        try
        {
            html = _sanitizer.Sanitize(Markdown.ToHtml(markdown, _pipeline));
            return MarkdownProblem.None;
        }
        catch (ArgumentException)
        {
            // The only argument Markdig is given is a string, never null: this is its depth limit.
            html = "";
            return MarkdownProblem.TooDeep;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // Any other failure in the parser or the sanitiser: the text cannot be shown as written either.
            html = "";
            return MarkdownProblem.Unreadable;
        }
    }

    /// <summary>Why the text cannot be rendered; <see cref="MarkdownProblem.None"/> when it can.</summary>
    public MarkdownProblem ProblemWith(string markdown) => Render(markdown, out _);

    /// <summary>
    /// The text as a page shows it. Text stored before the forms checked it may not render: it is then
    /// shown escaped, paragraph by paragraph, and logged by <paramref name="kind"/> and <paramref name="id"/>
    /// (never its content), so a campaign page never fails because of what its organisers wrote.
    /// </summary>
    public string ToHtml(string markdown, string kind, long id)
    {
        var problem = Render(markdown, out var html);
        if (problem == MarkdownProblem.None)
        {
            return html;
        }

        LogShownEscaped(logger, kind, id, problem);
        return Escaped(markdown);
    }

    /// <summary>What a form says under a text field holding such a text, in the reader's language.</summary>
    public static string Explain(MarkdownProblem problem, IStringLocalizer t) => problem switch
    {
        MarkdownProblem.TooDeep => t["This text cannot be shown: its formatting is nested too deeply (lists, quotes, links or emphasis inside one another). Use fewer levels and try again."],
        _ => t["This text cannot be shown: its formatting cannot be read. Simplify its lists, quotes, links and emphasis and try again."],
    };

    /// <summary>Plain text as HTML: every character escaped, blank lines as paragraphs, line breaks kept.</summary>
    private static string Escaped(string text)
    {
        var html = new StringBuilder();
        foreach (var paragraph in ParagraphBreak().Split(text.ReplaceLineEndings("\n").Trim()))
        {
            if (paragraph.Length > 0)
            {
                html.Append("<p>").AppendJoin("<br>\n", paragraph.Split('\n').Select(WebUtility.HtmlEncode)).Append("</p>\n");
            }
        }

        return html.ToString();
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Clear();
        sanitizer.AllowedSchemes.Add("https");
        sanitizer.AllowedSchemes.Add("http");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedAttributes.Remove("style");
        sanitizer.AllowedTags.Remove("img");

        // Links leave the site without telling the target who sent the reader.
        sanitizer.PostProcessNode += (_, e) =>
        {
            if (e.Node is AngleSharp.Html.Dom.IHtmlAnchorElement anchor)
            {
                anchor.SetAttribute("rel", "nofollow noopener noreferrer");
            }
        };
        return sanitizer;
    }

    [GeneratedRegex(@"\n[ \t]*\n\s*")]
    private static partial Regex ParagraphBreak();

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Markdown of {Kind} {Id} cannot be rendered ({Problem}); it is shown as escaped text")]
    private static partial void LogShownEscaped(ILogger logger, string kind, long id, MarkdownProblem problem);
}

/// <summary>Why a Markdown text cannot be rendered.</summary>
public enum MarkdownProblem
{
    None,

    /// <summary>Lists, quotes, links or emphasis nested beyond Markdig's depth limit.</summary>
    TooDeep,

    /// <summary>Anything else the parser or the sanitiser failed on.</summary>
    Unreadable,
}
