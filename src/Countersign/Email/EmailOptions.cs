namespace Countersign.Email;

/// <summary><c>Email:*</c> configuration.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string From { get; set; } = "Countersign <no-reply@countersign.localhost>";

    /// <summary>How many due messages the worker sends per round.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// Leaves every email waiting in the outbox table (for benchmarks that measure signing alone).
    /// Nothing is lost: the emails go out once sending is resumed.
    /// </summary>
    public bool SendingPaused { get; set; }
}
