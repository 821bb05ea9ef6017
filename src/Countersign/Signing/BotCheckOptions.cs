namespace Countersign.Signing;

/// <summary><c>Signing:*</c> settings of the checks against scripted signatures.</summary>
public sealed class BotCheckOptions
{
    /// <summary>
    /// A person needs more than this to read and fill in the form; a script posting it at once
    /// does not. Submissions faster than this are stored as invalidated, never counted.
    /// </summary>
    public double MinimumSecondsToFill { get; set; } = 3;
}
