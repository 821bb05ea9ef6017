using System.Globalization;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Localization;

namespace Countersign.Hosting;

/// <summary>
/// A campaign's words inside a sentence of the interface, marked with the campaign's own language: under the
/// French interface, "Commentaires sur" is French and the English title that follows it is English.
/// </summary>
public static partial class TaggedText
{
    /// <summary><paramref name="text"/>, written in the campaign's language, in a span that says so (and its direction).</summary>
    public static IHtmlContent InLanguageOf(Campaign campaign, string text)
    {
        // Written out rather than with TagBuilder, which sorts attributes: lang comes first, as on every other element.
        return new HtmlContentBuilder()
            .AppendHtml("<span lang=\"").Append(campaign.Language).AppendHtml("\" dir=\"").Append(campaign.TextDirection).AppendHtml("\">")
            .Append(text)
            .AppendHtml("</span>");
    }

    /// <summary>
    /// A translated sentence whose placeholders ({0}, {1}…) may take HTML, such as <see cref="InLanguageOf"/>'s: the
    /// sentence's own words and plain arguments (numbers in the reader's culture) are encoded when the page is
    /// written, HTML arguments go in as they are.
    /// </summary>
    public static IHtmlContent Sentence(LocalizedString sentence, params object[] arguments)
    {
        var html = new HtmlContentBuilder();
        var from = 0;
        foreach (Match placeholder in Placeholder().Matches(sentence.Value))
        {
            html.Append(sentence.Value[from..placeholder.Index]);
            var index = int.Parse(placeholder.Groups["index"].Value, CultureInfo.InvariantCulture);
            switch (index < arguments.Length ? arguments[index] : null)
            {
                case IHtmlContent part: html.AppendHtml(part); break;
                case { } value: html.Append(Convert.ToString(value, CultureInfo.CurrentCulture)); break;
            }

            from = placeholder.Index + placeholder.Length;
        }

        html.Append(sentence.Value[from..]);
        return html;
    }

    [GeneratedRegex(@"\{(?<index>[0-9])\}")]
    private static partial Regex Placeholder();
}
