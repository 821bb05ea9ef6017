namespace Countersign.Signing;

/// <summary><c>Signing:*</c> configuration of the intake queue.</summary>
public sealed class IntakeOptions
{
    public const string Section = "Signing";

    /// <summary>Requests waiting for the writer; beyond this, people are asked to try again in a few seconds.</summary>
    public int QueueCapacity { get; set; } = 4096;

    /// <summary>The most requests committed in one transaction.</summary>
    public int MaxBatchSize { get; set; } = 512;
}
