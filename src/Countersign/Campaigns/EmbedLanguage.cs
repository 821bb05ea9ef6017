using Microsoft.AspNetCore.Localization;

namespace Countersign.Campaigns;

/// <summary>
/// The embed's language from its address, <c>/c/{slug}/embed?lang=fr</c>, ahead of the reader's language cookie and
/// browser: a partner's site writes its page in one language and frames the embed in that one. Other pages ignore
/// <c>lang</c>: theirs follows the reader's own choice (the language switch), which a query string left in a shared
/// address would otherwise overrule.
/// </summary>
/// <remarks>A language the site does not offer is ignored, and the next provider decides.</remarks>
public sealed class EmbedLanguage : RequestCultureProvider
{
    public const string QueryParameter = "lang";

    public override Task<ProviderCultureResult?> DetermineProviderCultureResult(HttpContext httpContext)
    {
        var segments = httpContext.Request.Path.Value?.Split('/');
        var isEmbed = segments is ["", "c", { Length: > 0 }, "embed"];
        var language = httpContext.Request.Query[QueryParameter];
        return Task.FromResult(isEmbed && language is [{ Length: > 0 and <= 8 } code] ? new ProviderCultureResult(code) : null);
    }
}
