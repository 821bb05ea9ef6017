using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Countersign.Hosting;

/// <summary>
/// Gives every <c>&lt;script&gt;</c> written in a Razor view this request's CSP nonce, so no page
/// can forget it. Markup that reaches a page as data (campaign text, Html.Raw) never passes through
/// tag helpers, so an injected script gets no nonce and the browser refuses it.
/// </summary>
[HtmlTargetElement("script")]
public sealed class ScriptNonceTagHelper : TagHelper
{
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    public override void Process(TagHelperContext context, TagHelperOutput output) =>
        output.Attributes.SetAttribute("nonce", SecurityHeaders.Nonce(ViewContext.HttpContext));
}
