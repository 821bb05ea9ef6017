using Countersign.Campaigns;

namespace Countersign.Tests.Campaigns;

/// <summary>The lifecycle's rules live on the campaign: every move it allows, and every one it refuses.</summary>
public sealed class CampaignStateTests
{
    private static readonly DateTime Now = new(2026, 11, 24, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>The lifecycle as the organisers' handbook describes it, written out rather than read back from the code.</summary>
    private static readonly HashSet<(string From, string To)> Allowed =
    [
        (CampaignState.Draft, CampaignState.InReview),
        (CampaignState.Draft, CampaignState.Sponsoring),
        (CampaignState.Draft, CampaignState.Withdrawn),
        (CampaignState.Sponsoring, CampaignState.InReview),
        (CampaignState.Sponsoring, CampaignState.Withdrawn),
        (CampaignState.InReview, CampaignState.Open),
        (CampaignState.InReview, CampaignState.Rejected),
        (CampaignState.InReview, CampaignState.Withdrawn),
        (CampaignState.Rejected, CampaignState.InReview),
        (CampaignState.Rejected, CampaignState.Sponsoring),
        (CampaignState.Rejected, CampaignState.Withdrawn),
        (CampaignState.Open, CampaignState.Closed),
        (CampaignState.Open, CampaignState.Withdrawn),
        (CampaignState.Closed, CampaignState.Delivered),
    ];

    public static TheoryData<string, string> EveryPair()
    {
        var pairs = new TheoryData<string, string>();
        foreach (var from in CampaignState.All)
        {
            foreach (var to in CampaignState.All)
            {
                pairs.Add(from, to);
            }
        }

        return pairs;
    }

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Should_allow_exactly_the_lifecycle_moves(string from, string to)
    {
        var campaign = NewCampaign().WalkTo(from, Now);
        Assert.Equal(from, campaign.State);

        if (Allowed.Contains((from, to)))
        {
            campaign.MoveTo(to, Now.AddDays(1), reason: "Please cite a source for the second demand.");
            Assert.Equal(to, campaign.State);
        }
        else
        {
            var refused = Assert.Throws<IllegalTransitionException>(() => campaign.MoveTo(to, Now.AddDays(1), reason: "A reason"));
            Assert.Equal(from, campaign.State);
            Assert.Equal($"A campaign that is {from} cannot become {to}.", refused.Message);
        }
    }

    [Fact]
    public void Should_date_each_step_once_and_keep_the_first_dates()
    {
        var campaign = NewCampaign().WalkTo(CampaignState.InReview, Now);
        campaign.Approve(Now.AddDays(1));
        campaign.Close(Now.AddDays(30));
        campaign.Deliver(Now.AddDays(31));

        Assert.Equal(Now.AddDays(1), campaign.OpenedAt);
        Assert.Equal(Now.AddDays(30), campaign.ClosedAt);
        Assert.Equal(Now.AddDays(31), campaign.DeliveredAt);
        Assert.True(campaign.IsPublic);
    }

    [Fact]
    public void Should_refuse_a_rejection_without_a_reason_and_show_the_reason_until_resubmitted()
    {
        var campaign = NewCampaign().WalkTo(CampaignState.InReview, Now);

        Assert.Throws<ArgumentException>(() => campaign.Reject("   ", Now));
        Assert.Equal(CampaignState.InReview, campaign.State);

        campaign.Reject("  The second demand names a person; target the company.  ", Now);
        Assert.Equal("The second demand names a person; target the company.", campaign.RejectionReason);
        campaign.SubmitForReview(Now);
        campaign.Approve(Now);
        Assert.Null(campaign.RejectionReason);
    }

    [Fact]
    public void Should_send_a_campaign_to_its_supporters_first_until_it_has_enough_confirmed_signatures()
    {
        var campaign = NewCampaign();
        campaign.SubmitForReview(Now, sponsorsNeeded: 2);
        Assert.Equal(CampaignState.Sponsoring, campaign.State);
        Assert.False(campaign.IsPublic);
        Assert.False(campaign.AcceptsSignatures);
        Assert.True(campaign.AcceptsConfirmations);
        var token = campaign.SponsorToken;
        Assert.Matches("^[A-Za-z0-9_-]{22}$", token);
        Assert.True(campaign.HasSponsorToken(token));
        Assert.False(campaign.HasSponsorToken(token![..^1] + (token[^1] == 'A' ? 'B' : 'A')));
        Assert.False(campaign.HasSponsorToken(null));
        Assert.Equal($"c/drop-the-stake/sponsor/{token}", campaign.SponsorPath);

        // Only Countersign moves it on, and only with enough supporters.
        Assert.Throws<IllegalTransitionException>(() => campaign.SubmitForReview(Now, sponsorsNeeded: 2));
        campaign.SignatureCount = 1;
        Assert.Throws<InvalidOperationException>(() => campaign.EndSponsoring(Now, sponsorsNeeded: 2));
        Assert.Equal(CampaignState.Sponsoring, campaign.State);
        campaign.SignatureCount = 2;
        campaign.EndSponsoring(Now, sponsorsNeeded: 2);
        Assert.Equal(CampaignState.InReview, campaign.State);
        Assert.Throws<IllegalTransitionException>(() => campaign.EndSponsoring(Now, sponsorsNeeded: 2));

        // Sent back and mended, its confirmed supporters still count: straight to the moderators, same link kept.
        campaign.Reject("Cite a source.", Now);
        campaign.SubmitForReview(Now, sponsorsNeeded: 2);
        Assert.Equal(CampaignState.InReview, campaign.State);
        campaign.Reject("Cite another source.", Now);
        campaign.SubmitForReview(Now, sponsorsNeeded: 3);
        Assert.Equal(CampaignState.Sponsoring, campaign.State);
        Assert.Equal(token, campaign.SponsorToken);

        var withoutSponsors = NewCampaign();
        withoutSponsors.SubmitForReview(Now, sponsorsNeeded: 0);
        Assert.Equal(CampaignState.InReview, withoutSponsors.State);
        Assert.Null(withoutSponsors.SponsorToken);
        Assert.False(withoutSponsors.AcceptsConfirmations);
    }

    [Fact]
    public void Should_keep_a_withdrawn_campaign_public_only_if_people_could_sign_it()
    {
        var neverOpened = NewCampaign().WalkTo(CampaignState.InReview, Now);
        neverOpened.Withdraw(Now);
        Assert.False(neverOpened.IsPublic);
        Assert.Null(neverOpened.ClosedAt);

        // Supporters signed it: it stays unseen, but its closing starts the clock of their data's retention.
        var sponsored = NewCampaign().WalkTo(CampaignState.Sponsoring, Now);
        sponsored.Withdraw(Now.AddDays(2));
        Assert.False(sponsored.IsPublic);
        Assert.Equal(Now.AddDays(2), sponsored.ClosedAt);

        var opened = NewCampaign().WalkTo(CampaignState.Open, Now);
        opened.Withdraw(Now.AddDays(3));
        Assert.True(opened.IsPublic);
        Assert.False(opened.AcceptsSignatures);
        Assert.Equal(Now.AddDays(3), opened.ClosedAt);
    }

    [Fact]
    public void Should_record_an_outcome_only_once_published_and_only_a_known_one()
    {
        var draft = NewCampaign();
        Assert.Throws<IllegalTransitionException>(() => draft.RecordOutcome(CampaignOutcome.Won, null, null, Now));

        var delivered = NewCampaign().WalkTo(CampaignState.Delivered, Now);
        Assert.Throws<ArgumentException>(() => delivered.RecordOutcome("victorious", null, null, Now));
        delivered.RecordOutcome(CampaignOutcome.Won, new DateOnly(2020, 3, 27), " The fund sold its stake. ", Now);
        Assert.Equal(CampaignOutcome.Won, delivered.Outcome);
        Assert.Equal("The fund sold its stake.", delivered.OutcomeText);
    }

    [Fact]
    public void Should_stamp_the_campaign_as_updated_with_every_move_and_edit()
    {
        var campaign = NewCampaign();
        campaign.SubmitForReview(Now.AddHours(1));
        Assert.Equal(Now.AddHours(1), campaign.UpdatedAt);
        campaign.Reject("Cite a source.", Now.AddHours(2));
        Assert.Equal(Now.AddHours(2), campaign.UpdatedAt);
        campaign.Edit("drop-the-stake", CampaignContent.Of(campaign) with { Demands = ["Sell the stake"] }, [1_000], Now.AddHours(3));
        Assert.Equal((Now.AddHours(3), "Sell the stake"), (campaign.UpdatedAt, Assert.Single(campaign.Demands)));
        campaign.MoveTo(CampaignState.InReview, Now.AddHours(4));
        campaign.MoveTo(CampaignState.Open, Now.AddHours(5));
        Assert.Equal(Now.AddHours(5), campaign.UpdatedAt);
        campaign.EditPublished(CampaignContent.Of(campaign) with { Goal = 5_000 }, [], Now.AddHours(6));
        Assert.Equal((Now.AddHours(6), 5_000), (campaign.UpdatedAt, campaign.Goal));
        campaign.DecideChange(CampaignContent.Of(campaign) with { Demands = ["Divest"] }, approved: false, Now.AddHours(7));
        Assert.Equal((Now.AddHours(7), "Sell the stake"), (campaign.UpdatedAt, Assert.Single(campaign.Demands)));
        campaign.SwitchComments(Countersign.Comments.CommentMode.PreModerated, Now.AddHours(8));
        Assert.Equal(Now.AddHours(8), campaign.UpdatedAt);
        campaign.Close(Now.AddHours(9));
        campaign.RecordOutcome(CampaignOutcome.Won, null, null, Now.AddHours(10));
        Assert.Equal(Now.AddHours(10), campaign.UpdatedAt);
    }

    private static Campaign NewCampaign() => new() { Slug = "drop-the-stake", Title = "Drop the stake", Summary = "Sell it.", CreatedAt = Now };
}
