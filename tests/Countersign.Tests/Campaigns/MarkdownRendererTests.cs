using Countersign.Campaigns;
using Countersign.Tests.Infrastructure;
using Microsoft.Extensions.Logging;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// The renderer of organisers' Markdown: what Markdig refuses (it throws past its nesting depth) is
/// reported as a reason, never as an exception, and display falls back to escaped text. No text up
/// to the forms' length limit hangs it.
/// </summary>
public sealed class MarkdownRendererTests : IDisposable
{
    private readonly CapturedLogs _logs = new();
    private readonly ILoggerFactory _loggers;
    private readonly MarkdownRenderer _renderer;

    public MarkdownRendererTests()
    {
        _loggers = LoggerFactory.Create(logging => logging.AddProvider(_logs));
        _renderer = new MarkdownRenderer(_loggers.CreateLogger<MarkdownRenderer>());
    }

    public void Dispose() => _loggers.Dispose();

    /// <summary>Texts Markdig throws on, each within the forms' length limit.</summary>
    public static TheoryData<string, string> TooDeep => new()
    {
        { "a list nested 130 levels", PoisonedMarkdown.NestedList(130) },
        { "130 quote markers", new string('>', 130) + " deep" },
        { "20,000 quote markers", new string('>', Campaign.BodyMaxLength) },
        { "20,000 opening brackets", new string('[', Campaign.BodyMaxLength) },
        { "brackets, emphasis and quotes mixed", Repeat("[*>", Campaign.BodyMaxLength / 3) },
        { "emphasis and brackets mixed", Repeat("*[", Campaign.BodyMaxLength / 2) },
        { "quoted lists", Repeat("> - ", Campaign.BodyMaxLength / 4) },
        { "numbered lists on one line", Repeat("1. ", Campaign.BodyMaxLength / 3) },
        { "emphasis inside emphasis", new string('*', Campaign.BodyMaxLength / 2) + "a" + new string('*', Campaign.BodyMaxLength / 2 - 1) },
    };

    /// <summary>Texts as long and strange, which Markdig renders (some slowly: its bracket matching is quadratic).</summary>
    public static TheoryData<string, string> Renderable => new()
    {
        { "20,000 asterisks", new string('*', Campaign.BodyMaxLength) },
        { "alternating emphasis", Repeat("*a", Campaign.BodyMaxLength / 2) },
        { "10,000 brackets opened then closed", new string('[', Campaign.BodyMaxLength / 2) + new string(']', Campaign.BodyMaxLength / 2) },
        { "links never closed", Repeat("[a](", Campaign.BodyMaxLength / 4) },
        { "20,000 angle brackets", new string('<', Campaign.BodyMaxLength) },
        { "a list nested 40 levels", PoisonedMarkdown.NestedList(40) },
    };

    [Theory]
    [MemberData(nameof(TooDeep))]
    public async Task Should_refuse_markdown_nested_too_deeply_with_a_reason_instead_of_throwing(string what, string markdown)
    {
        var problem = await WithinAMinuteAsync(() => _renderer.ProblemWith(markdown));
        Assert.True(problem == MarkdownProblem.TooDeep, $"{what}: {problem}");
    }

    [Theory]
    [MemberData(nameof(Renderable))]
    public async Task Should_render_long_and_strange_markdown_that_markdig_accepts(string what, string markdown)
    {
        var (problem, html) = await WithinAMinuteAsync(() => (_renderer.Render(markdown, out var html), html));
        Assert.True(problem == MarkdownProblem.None, $"{what}: {problem}");
        Assert.NotEmpty(html);
    }

    [Fact]
    public void Should_render_and_sanitise_ordinary_markdown()
    {
        Assert.Equal(MarkdownProblem.None, _renderer.Render("We **won**.\n\n<script>alert('x')</script>\n\n[More](https://example.org)", out var html));
        Assert.Contains("<strong>won</strong>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Contains("rel=\"nofollow noopener noreferrer\"", html, StringComparison.Ordinal);
        Assert.Equal(html, _renderer.ToHtml("We **won**.\n\n<script>alert('x')</script>\n\n[More](https://example.org)", "update", 7));
        Assert.Empty(_logs.Lines);
    }

    [Fact]
    public void Should_show_text_that_cannot_be_rendered_escaped_with_its_paragraphs_and_log_it_without_its_content()
    {
        var markdown = "Meet us at <b>Rue Haxo</b> & bring friends.\nEveryone.\r\n\r\n" + PoisonedMarkdown.NestedList(130);

        var html = _renderer.ToHtml(markdown, "update", 7);

        Assert.StartsWith("<p>Meet us at &lt;b&gt;Rue Haxo&lt;/b&gt; &amp; bring friends.<br>\nEveryone.</p>\n<p>- item 0<br>\n  - item 1<br>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
        var line = Assert.Single(_logs.Lines);
        Assert.Contains("update 7", line, StringComparison.Ordinal);
        Assert.Contains(nameof(MarkdownProblem.TooDeep), line, StringComparison.Ordinal);
        Assert.DoesNotContain("Haxo", line, StringComparison.Ordinal);
        Assert.DoesNotContain("item", line, StringComparison.Ordinal);
    }

    private static async Task<T> WithinAMinuteAsync<T>(Func<T> render) => await Task.Run(render).WaitAsync(TimeSpan.FromMinutes(1));

    private static string Repeat(string text, int times) => string.Concat(Enumerable.Repeat(text, times));
}
