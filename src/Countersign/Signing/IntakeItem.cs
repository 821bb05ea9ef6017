namespace Countersign.Signing;

/// <summary>A request waiting in the intake's queue, answered once the batch that holds it is committed.</summary>
public abstract class IntakeItem
{
    internal TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}
