namespace Countersign.Campaigns;

/// <summary>What came of a campaign, recorded by its organisers.</summary>
public static class CampaignOutcome
{
    public const string Ongoing = "ongoing";
    public const string Won = "won";
    public const string PartlyWon = "partly-won";
    public const string Lost = "lost";

    public const int MaxLength = 16;
    public const int TextMaxLength = 500;

    public static readonly IReadOnlyList<string> All = [Ongoing, Won, PartlyWon, Lost];
}
