using Countersign.Letters;

namespace Countersign.Tests.Letters;

/// <summary>Members represented by a letter's signatories, each counted once through nesting.</summary>
public sealed class MemberTotalsTests
{
    [Fact]
    public void Should_count_a_chain_of_three_levels_once_as_its_root_states()
    {
        // A federation states all its members; its union and the union's branch are within them.
        var chain = new[] { new MemberCount(1, null, 50_000), new MemberCount(2, 1, 6_000), new MemberCount(3, 2, 400) };

        Assert.Equal(50_000, MemberTotals.Count(chain));
    }

    [Fact]
    public void Should_add_two_siblings_when_their_parent_states_no_members()
    {
        var academy = new[] { new MemberCount(1, null, null), new MemberCount(2, 1, 300), new MemberCount(3, 1, 450), new MemberCount(4, 1, null) };
        var withUnion = academy.Append(new MemberCount(5, null, 6_000)).ToArray();

        Assert.Equal(750, MemberTotals.Count(academy));
        Assert.Equal(6_750, MemberTotals.Count(withUnion));
    }

    [Fact]
    public void Should_count_a_member_whose_parent_left_the_letter_as_its_own()
    {
        // The parent (id 1) withdrew: only approved signatories are counted, so the society stands alone.
        var orphan = new[] { new MemberCount(2, 1, 300), new MemberCount(3, null, 20) };

        Assert.Equal(320, MemberTotals.Count(orphan));
    }

    [Fact]
    public void Should_never_count_anyone_twice_even_in_a_cycle_the_form_cannot_make()
    {
        var cycle = new[] { new MemberCount(1, 2, 100), new MemberCount(2, 1, 200), new MemberCount(3, 3, 5) };

        Assert.Equal(5, MemberTotals.Count(cycle));
    }
}
