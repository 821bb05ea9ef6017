namespace Countersign.Campaigns;

/// <summary>One cause with its asks, its hosts and its public counters.</summary>
public sealed class Campaign
{
    public const int SlugMaxLength = 80;
    public const int TitleMaxLength = 200;
    public const int SummaryMaxLength = 500;
    public const int BodyMaxLength = 20_000;
    public const int DemandMaxLength = 500;
    public const int TargetMaxLength = 200;
    public const int MaxGoal = 100_000_000;

    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public required string Summary { get; set; }
    public string BodyMarkdown { get; set; } = "";
    public List<string> Demands { get; set; } = [];
    public List<string> Targets { get; set; } = [];
    public List<CampaignHost> Hosts { get; set; } = [];
    public int Goal { get; set; }
    public DateOnly? Deadline { get; set; }
    public string State { get; set; } = CampaignState.Draft;
    public bool IsDemo { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }

    /// <summary>When the campaign stopped taking signatures, and when they were delivered to the target.</summary>
    public DateTime? ClosedAt { get; set; }
    public DateTime? DeliveredAt { get; set; }

    /// <summary>When its signers' personal data was erased (crypto-shredded); the counts stay.</summary>
    public DateTime? PersonalDataErasedAt { get; set; }

    /// <summary>Confirmed signatures, kept up to date in the confirming transaction so pages never count rows.</summary>
    public int SignatureCount { get; set; }

    public bool IsPublic => CampaignState.Public.Contains(State);
    public bool AcceptsSignatures => State == CampaignState.Open;

    /// <summary>A shallow copy showing another count (the definition is shared, the count is current).</summary>
    public Campaign WithSignatureCount(int count)
    {
        var copy = (Campaign)MemberwiseClone();
        copy.SignatureCount = count;
        return copy;
    }

    /// <summary>Progress towards the goal as a whole percentage, capped at 100 for the bar.</summary>
    public int ProgressPercent => Goal <= 0 ? 0 : (int)Math.Min(100, (long)SignatureCount * 100 / Goal);
}

/// <summary>An organisation hosting a campaign; signers choose per host whether to hear from it.</summary>
public sealed class CampaignHost
{
    public const int NameMaxLength = 120;
    public const int WebsiteMaxLength = 300;

    public int Id { get; set; }
    public int CampaignId { get; set; }
    public required string Name { get; set; }
    public string? Website { get; set; }
    public int Position { get; set; }
}

/// <summary>Campaign states as named constants, with the groups pages ask about.</summary>
public static class CampaignState
{
    public const string Draft = "draft";
    public const string Open = "open";
    public const string Closed = "closed";
    public const string Delivered = "delivered";

    public static readonly IReadOnlyList<string> All = [Draft, Open, Closed, Delivered];

    /// <summary>States in which the campaign page and its JSON are visible to everyone.</summary>
    public static readonly IReadOnlyList<string> Public = [Open, Closed, Delivered];
}

/// <summary>Confirmed signatures per country, one row per campaign and country.</summary>
public sealed class CountryCount
{
    public int CampaignId { get; set; }
    public required string CountryCode { get; set; }
    public int Count { get; set; }
}

/// <summary>Confirmed signatures per UTC day of confirmation.</summary>
public sealed class DayCount
{
    public int CampaignId { get; set; }
    public DateOnly Day { get; set; }
    public int Count { get; set; }
}
