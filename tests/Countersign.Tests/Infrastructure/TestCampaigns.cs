using Countersign.Campaigns;

namespace Countersign.Tests.Infrastructure;

/// <summary>The campaign most tests sign, comment on and move: one definition for the site tests and the fast ones.</summary>
public static class TestCampaigns
{
    public static Campaign Make(DateTime now, string slug = "stop-the-cameras", string state = CampaignState.Open, int goal = 1000, params string[] hosts) => new Campaign
    {
        Slug = slug,
        Title = "Stop the cameras at the station",
        Summary = "The city wants to install face-recognition cameras at the central station. We say no.",
        BodyMarkdown = "The **council** votes next month.\n\n<script>alert('x')</script>\n\n[Read the plan](https://example.org/plan)",
        Demands = ["Cancel the contract", "Publish the impact assessment"],
        Targets = ["City council"],
        Hosts = (hosts.Length == 0 ? ["Station Watch", "Digital Rights Group"] : hosts)
            .Select((name, position) => new CampaignHost { Name = name, Position = position }).ToList(),
        Goal = goal,
        Deadline = DateOnly.FromDateTime(now.AddDays(30)),
        CreatedAt = now,
        UpdatedAt = now,
    }.WalkTo(state, now);
}
