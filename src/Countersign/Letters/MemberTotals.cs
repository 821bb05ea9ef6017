namespace Countersign.Letters;

/// <summary>One approved signatory as the totals see it: itself, the organisation it belongs to, and its stated members.</summary>
public sealed record MemberCount(long Id, long? ParentId, int? Members);

/// <summary>
/// How many members a letter's signatories represent, each member counted once. An organisation's stated members
/// include those of the organisations under it (an academy's, its societies'), so a tree counts as its root's
/// figure; a root that states none counts as the sum of its branches. An organisation whose parent is not among
/// the signatories (withdrawn, say) is a root of its own.
/// </summary>
public static class MemberTotals
{
    public static long Count(IReadOnlyCollection<MemberCount> signatories)
    {
        var ids = signatories.Select(s => s.Id).ToHashSet();
        var children = signatories.Where(s => s.ParentId is { } parent && parent != s.Id && ids.Contains(parent)).ToLookup(s => s.ParentId!.Value);
        var roots = signatories.Where(s => s.ParentId is not { } parent || parent == s.Id || !ids.Contains(parent));
        var counted = new HashSet<long>();
        return roots.Sum(root => Total(root, children, counted));
    }

    /// <summary>
    /// The members a tree represents. <paramref name="counted"/> keeps each organisation to one tree, so a cycle (which
    /// the form cannot make, since a parent must already be on the letter) could never count anyone twice.
    /// </summary>
    private static long Total(MemberCount organisation, ILookup<long, MemberCount> children, HashSet<long> counted)
    {
        if (!counted.Add(organisation.Id))
        {
            return 0;
        }

        var branches = children[organisation.Id].Sum(child => Total(child, children, counted));
        return organisation.Members ?? branches;
    }
}
