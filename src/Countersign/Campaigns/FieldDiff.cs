namespace Countersign.Campaigns;

public sealed record FieldDiff(string Field, IReadOnlyList<DiffLine> Lines);

public sealed record DiffLine(DiffLineKind Kind, string Text);

public enum DiffLineKind
{
    Kept,
    Added,
    Removed,
}
