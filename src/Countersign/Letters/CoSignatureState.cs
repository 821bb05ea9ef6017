namespace Countersign.Letters;

/// <summary>
/// Where an organisation's co-signature stands: its contact's email not yet confirmed, confirmed and waiting for the
/// organisers, approved (the only state the public ever sees), rejected by the organisers, or withdrawn by its contact.
/// </summary>
public static class CoSignatureState
{
    public const string Pending = "pending";
    public const string Verified = "verified";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Withdrawn = "withdrawn";

    public const int MaxLength = 16;

    /// <summary>The states a contact can still withdraw from: once withdrawn or rejected there is nothing to take back.</summary>
    public static readonly string[] Withdrawable = [Pending, Verified, Approved];

    /// <summary>The states in which an organisation can prove its domain by DNS: its contact confirmed, and it is neither rejected nor withdrawn.</summary>
    public static readonly string[] DomainCheckable = [Verified, Approved];
}
