using System.Text.RegularExpressions;
using Countersign.Tests.Infrastructure;

namespace Countersign.Tests.Hosting;

/// <summary>
/// Links, form addresses, field names and redirects are built from page names and model properties
/// (asp-page, asp-route-*, asp-for, RedirectToPage), never typed out: a typed address outlives the
/// route it names (the comment form once posted to the signing form), and a typed field name
/// outlives the property it binds. The source is scanned, so a new page is held to it the day it is written.
/// </summary>
public sealed partial class HandWrittenAddressesTests
{
    /// <summary>Typed addresses kept on purpose: the view, what its line contains, and why.</summary>
    private static readonly (string File, string Contains, string Why)[] ViewExceptions =
    [
        ("Shared/_Layout.cshtml", "<a href=\"/language/@code", "the language switch is an endpoint of its own (LanguageSwitch), not a page, and has no route name"),
        ("Campaigns/Show.cshtml", "<form method=\"post\" action=\"#sign\"", "a fragment alone: the signing form posts back to the address the page was opened at (public or sponsor link), and its answer opens at the form"),
    ];

    [Fact]
    public void Should_build_every_address_and_field_name_in_the_views_from_the_pages()
    {
        var offenders = Lines("*.cshtml")
            .Where(line => TypedAddress().IsMatch(line.Text) || TypedFormAddress().IsMatch(line.Text) || TypedFieldName().IsMatch(line.Text))
            .Where(line => !ViewExceptions.Any(exception => exception.File == line.File && line.Text.Contains(exception.Contains, StringComparison.Ordinal)))
            .Select(line => $"{line.File}:{line.Number}: {line.Text.Trim()}")
            .ToList();

        Assert.True(offenders.Count == 0, "Typed addresses or field names in views (use asp-page, asp-route-*, asp-for):\n" + string.Join("\n", offenders));
    }

    [Fact]
    public void Should_redirect_by_page_name_in_the_page_models()
    {
        var offenders = Lines("*.cshtml.cs").Where(line => TypedRedirect().IsMatch(line.Text) || TypedPagePath().IsMatch(line.Text))
            .Select(line => $"{line.File}:{line.Number}: {line.Text.Trim()}").ToList();
        Assert.True(offenders.Count == 0, "Typed redirects or page addresses in page models (use RedirectToPage, Url.Page):\n" + string.Join("\n", offenders));
    }

    /// <summary>Every line of the files under Pages matching <paramref name="pattern"/>, with the file's path from Pages.</summary>
    private static IEnumerable<(string File, int Number, string Text)> Lines(string pattern)
    {
        var pages = Path.Combine(Repository.Root, "src", "Countersign", "Pages");
        return Directory.EnumerateFiles(pages, pattern, SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .SelectMany(path => File.ReadLines(path).Select((text, index) => (Path.GetRelativePath(pages, path).Replace(Path.DirectorySeparatorChar, '/'), index + 1, text)));
    }

    /// <summary>A link to a path of the site (not <c>//host</c>, which is another site).</summary>
    [GeneratedRegex("""href="/(?!/)""")]
    private static partial Regex TypedAddress();

    /// <summary>Any written form address: asp-page and its kin build it.</summary>
    [GeneratedRegex("""<form\b[^>]*\baction=""")]
    private static partial Regex TypedFormAddress();

    /// <summary>A bound form's field typed out (asp-for writes it, Html.NameFor where a field cannot be asp-for's).</summary>
    [GeneratedRegex("""name="(Input|Comment|Outcome|Group)\.""")]
    private static partial Regex TypedFieldName();

    /// <summary>Redirect("/..."), Redirect($"/..."), LocalRedirect("/...") and the like.</summary>
    [GeneratedRegex("""Redirect\(\$?@?"/""")]
    private static partial Regex TypedRedirect();

    /// <summary>An address of the site's own pages or endpoints written into a string, e.g. $"/c/{slug}/altcha".</summary>
    [GeneratedRegex("""\$?@?"/(c|staff|comments|confirm|erase|unsubscribe)/""")]
    private static partial Regex TypedPagePath();
}
