namespace Countersign.Campaigns;

/// <summary>A move the campaign's state does not allow, such as delivering a draft.</summary>
public sealed class IllegalTransitionException(string from, string to)
    : InvalidOperationException($"A campaign that is {from} cannot become {to}.")
{
    public string From { get; } = from;
    public string To { get; } = to;
}
