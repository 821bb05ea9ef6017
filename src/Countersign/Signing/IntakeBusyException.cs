namespace Countersign.Signing;

/// <summary>The intake cannot take this request now; the sender should try again in a few seconds.</summary>
public sealed class IntakeBusyException() : Exception("Signing is busy; try again in a few seconds.")
{
    /// <summary>What the 503 answers tell clients (Retry-After), matching "a few seconds" on the page.</summary>
    public const int RetryAfterSeconds = 5;
}
