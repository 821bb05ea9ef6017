namespace Countersign.Tests.Campaigns;

/// <summary>Markdown that Markdig cannot render, as tests store it where the forms would have refused it.</summary>
public static class PoisonedMarkdown
{
    /// <summary>A list of <paramref name="levels"/> items, each nested in the one before.</summary>
    public static string NestedList(int levels) =>
        string.Join('\n', Enumerable.Range(0, levels).Select(level => new string(' ', level * 2) + "- item " + level));
}
