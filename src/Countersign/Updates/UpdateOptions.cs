using System.ComponentModel.DataAnnotations;

namespace Countersign.Updates;

/// <summary><c>Updates:*</c>: how emailed updates go out.</summary>
public sealed class UpdateOptions
{
    public const string Section = "Updates";

    /// <summary>
    /// The most update emails written to the outbox in one pass, and the most waiting there at once:
    /// the sender writes more only as the outbox sends them, so signers' confirmation emails never
    /// queue behind a whole campaign's update.
    /// </summary>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;
}
