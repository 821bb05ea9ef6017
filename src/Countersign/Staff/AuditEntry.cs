namespace Countersign.Staff;

/// <summary>
/// One staff action, kept for good: who did what, when, to which campaign. It never holds signers'
/// personal data: details name counts, states and reasons, not people. The database refuses to
/// change or delete a row (a trigger on each provider), so not even a bug in this app can rewrite it.
/// </summary>
public sealed class AuditEntry
{
    public const int ActionMaxLength = 48;
    public const int DetailsMaxLength = 2_000;

    public long Id { get; set; }
    public DateTime At { get; set; }

    /// <summary>The staff member who acted; null when Countersign itself did (a deadline passing).</summary>
    public int? StaffUserId { get; set; }
    public required string Action { get; set; }
    public int? CampaignId { get; set; }
    public string? Details { get; set; }
}
