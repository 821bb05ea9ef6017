namespace Countersign.Signing;

/// <summary>
/// What the intake needs to know of a signature already in the table, or (<paramref name="Added"/>)
/// of one its current batch is about to insert.
/// </summary>
public sealed record StoredSignature(long Id, string State, DateTime? ConfirmationTokenExpiresAt, string? HeldBecause, DateTime? RepeatEmailAt, Signature? Added = null);
