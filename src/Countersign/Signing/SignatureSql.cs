namespace Countersign.Signing;

/// <summary>
/// The signature rules as SQL text, for the statements that change many rows at once and must
/// know, row by row, whether each counted (UPDATE … RETURNING). Written from the same constants as
/// <see cref="Signature.Counts"/>, never a second spelling of a state, so the two cannot drift.
/// </summary>
public static class SignatureSql
{
    private const string NotHeld = "\"HeldBecause\" IS NULL";
    private const string NotSetAside = "\"InvalidationId\" IS NULL";

    /// <summary>A signature counts when it is confirmed, not held and not set aside by a moderator: <see cref="Signature.Counts"/>.</summary>
    public static readonly string Counts = All(Is(SignatureState.Confirmed), NotHeld, NotSetAside);

    /// <summary>
    /// Whether a row counted before the erasure now updating it: RETURNING reads the row erased, so
    /// its confirmation shows in ConfirmedAt (only a confirmation sets it, and erasure leaves it).
    /// </summary>
    public static readonly string CountedBeforeErasure = All("\"ConfirmedAt\" IS NOT NULL", NotHeld, NotSetAside);

    /// <summary>
    /// Whether a row counted before the set-aside now updating it: RETURNING reads the new
    /// invalidation, and the statement takes only rows that had none.
    /// </summary>
    public static readonly string CountedBeforeSettingAside = All(Is(SignatureState.Confirmed), NotHeld);

    /// <summary>The condition that the row is in <paramref name="state"/>, one of <see cref="SignatureState"/>.</summary>
    public static string Is(string state) => $"\"State\" = {Literal(state)}";

    /// <summary>The condition that the row is in one of <paramref name="states"/>.</summary>
    public static string IsIn(params string[] states) => $"\"State\" IN ({string.Join(", ", states.Select(Literal))})";

    /// <summary>A state constant as an SQL string literal, quoted and escaped.</summary>
    public static string Literal(string state) => $"'{state.Replace("'", "''", StringComparison.Ordinal)}'";

    private static string All(params string[] conditions) => $"({string.Join(" AND ", conditions)})";
}
