namespace Countersign.Staff;

/// <summary>Authorization policies for staff pages beyond "signed in".</summary>
public static class StaffPolicies
{
    /// <summary>Approving and rejecting campaigns, and setting signatures aside: moderators and admins.</summary>
    public const string Moderate = "moderate";
}
