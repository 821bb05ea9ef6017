using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace Countersign.Campaigns;

/// <summary>One field's lines removed and added between two texts, for readers comparing them (moderators, a letter's signatories).</summary>
public sealed record FieldDiff(string Field, IReadOnlyList<DiffLine> Lines)
{
    /// <summary>The field's difference from <paramref name="before"/> to <paramref name="after"/>, line by line.</summary>
    public static FieldDiff Between(string field, string before, string after) =>
        new(field, InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false).Lines
            .Where(line => line.Type != ChangeType.Imaginary)
            .Select(line => new DiffLine(line.Type switch
            {
                ChangeType.Inserted => DiffLineKind.Added,
                ChangeType.Deleted => DiffLineKind.Removed,
                _ => DiffLineKind.Kept,
            }, line.Text ?? "")).ToList());
}

public sealed record DiffLine(DiffLineKind Kind, string Text);

public enum DiffLineKind
{
    Kept,
    Added,
    Removed,
}
