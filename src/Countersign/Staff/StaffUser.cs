namespace Countersign.Staff;

/// <summary>Someone who runs the site. Full roles and two-factor sign-in come with the staff issue.</summary>
public sealed class StaffUser
{
    public const int EmailMaxLength = 254;
    public const int MinimumPasswordLength = 12;

    public int Id { get; set; }
    public required string Email { get; set; }
    public required string PasswordHash { get; set; }
    public bool IsAdmin { get; set; }
    public DateTime CreatedAt { get; set; }
}
