using System.Globalization;
using Countersign.Hosting;
using Countersign.Staff;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Countersign.Tests.Staff;

/// <summary>The audit log reads its English records back in the reader's language, and names every action in it.</summary>
public sealed class AuditDetailsTests
{
    private static readonly IStringLocalizer T = new ResourceManagerStringLocalizerFactory(
        Options.Create(new LocalizationOptions { ResourcesPath = "Resources" }), NullLoggerFactory.Instance).Create(typeof(SharedResource));

    /// <summary>Details as the actions write them (see the Record calls), and how each reads in English.</summary>
    [Theory]
    [InlineData(AuditAction.CampaignSentToSponsors, "Needs 1000 supporting signatures, has 1", "Needs 1,000 supporting signatures; has 1.")]
    [InlineData(AuditAction.CampaignSubmitted, "1 supporting signatures of 1 needed", "1 of the 1 supporting signature needed.")]
    [InlineData(AuditAction.CampaignClosed, "Deadline passed", "Its deadline passed.")]
    [InlineData(AuditAction.CampaignWithdrawn, "Left as the moderators sent it back since 2026-11-02: its supporters' personal data is erased",
        "Left as the moderators sent it back since Monday, 2 November 2026: its supporters' personal data is erased.")]
    [InlineData(AuditAction.CampaignRejected, "Name the fund.", "Reason: Name the fund.")]
    [InlineData(AuditAction.CampaignEdited, "Wording: Fixed a typo.", "Wording changed: Fixed a typo.")]
    [InlineData(AuditAction.CampaignEdited, "Goal 25000, deadline none, milestones 1000, 10000", "Goal 25,000; deadline none; milestones 1,000, 10,000.")]
    [InlineData(AuditAction.CampaignEdited, "Goal 500, deadline 2027-03-31, milestones ", "Goal 500; deadline Wednesday, 31 March 2027; milestones none.")]
    [InlineData(AuditAction.CommentModeChanged, "Comments: off → pre-moderated", "Comments: no comments → pre-moderated")]
    [InlineData(AuditAction.OutcomeRecorded, "partly-won", "Partly won")]
    [InlineData(AuditAction.TimelineEventAdded, "target-responded: They wrote back: no.", "The target responded: They wrote back: no.")]
    [InlineData(AuditAction.TimelineEventRemoved, "news of 2026-12-01: Press day", "News of Tuesday, 1 December 2026: Press day")]
    [InlineData(AuditAction.RoleGranted, "partner to ana@example.org for Privacy First", "ana@example.org; role: Partner, for Privacy First")]
    [InlineData(AuditAction.RoleRevoked, "organiser from ana@example.org", "ana@example.org; role: Organiser")]
    [InlineData(AuditAction.StaffInvited, "admin, moderator to ana@example.org", "ana@example.org; roles: admin, moderator")]
    [InlineData(AuditAction.StaffInvited, "moderator to ana@example.org", "ana@example.org; role: moderator")]
    [InlineData(AuditAction.StaffInvited, "no role to ana@example.org", "ana@example.org; no role")]
    [InlineData(AuditAction.InvitationWithdrawn, "to ana@example.org", "Sent to ana@example.org")]
    [InlineData(AuditAction.InvitationAccepted, "ana@example.org, 2 invitation(s)", "ana@example.org, 2 invitations")]
    [InlineData(AuditAction.StaffDisabled, "ana@example.org, from the command line, 1 waiting invitation(s) they sent withdrawn",
        "ana@example.org, from the command line, 1 waiting invitation they sent withdrawn")]
    [InlineData(AuditAction.StaffEnabled, "ana@example.org", "ana@example.org")]
    [InlineData(AuditAction.SupportersExported, "1 supporters of Privacy First", "1 supporter of Privacy First")]
    [InlineData(AuditAction.CoSignaturesExported, "1 organisations", "1 organisation")]
    [InlineData(AuditAction.CoSignaturesExported, "1200 organisations", "1,200 organisations")]
    [InlineData(AuditAction.CommentHidden, "Comment 12: Insults", "Comment no. 12; reason: Insults")]
    [InlineData(AuditAction.CommentPublished, "Comment 12", "Comment no. 12")]
    [InlineData(AuditAction.UpdatePublished, "Update 3, from Privacy First", "Update no. 3, from Privacy First")]
    [InlineData(AuditAction.UpdateSent, "Update 3, from Privacy First: 1200 recipients", "Update no. 3, from Privacy First, to 1,200 recipients")]
    [InlineData(AuditAction.UpdateHidden, "Update 3: Wrong date", "Update no. 3; reason: Wrong date")]
    [InlineData(AuditAction.SignaturesSetAside, "network ab12: 40 set aside, 38 had counted", "network ab12: 40 signatures set aside, 38 of them counted")]
    [InlineData(AuditAction.SetAsideUndone, "network ab12: 1 count again", "network ab12: 1 signature counts again")]
    [InlineData(AuditAction.SignaturesReleased, "email domain example.org: 2 released", "email domain example.org: 2 held signatures released")]
    public void Should_read_each_action_s_details_back_in_english(string action, string details, string english)
    {
        using var reader = new CultureScope("en");
        Assert.Equal(english, AuditDetails.Describe(action, details, T));
    }

    [Fact]
    public void Should_read_details_back_in_french_with_french_numbers_and_dates()
    {
        using var reader = new CultureScope("fr");
        var space = CultureInfo.CurrentCulture.NumberFormat.NumberGroupSeparator;
        Assert.Equal($"Objectif 25{space}000\u00A0; échéance mercredi 31 mars 2027\u00A0; paliers 1{space}000, 10{space}000.",
            AuditDetails.Describe(AuditAction.CampaignEdited, "Goal 25000, deadline 2027-03-31, milestones 1000, 10000", T));
        Assert.Equal("network ab12\u00A0: 1 signature écartée, dont 1 comptabilisées",
            AuditDetails.Describe(AuditAction.SignaturesSetAside, "network ab12: 1 set aside, 1 had counted", T));
        Assert.Equal("Actualité\u00A0: Press day", AuditDetails.Describe(AuditAction.TimelineEventAdded, "news: Press day", T));
        Assert.Equal("ana@example.org\u00A0; rôle\u00A0: modération", AuditDetails.Describe(AuditAction.StaffInvited, "moderator to ana@example.org", T));
        Assert.Equal("Commentaires\u00A0: pas de commentaires → modérés après publication",
            AuditDetails.Describe(AuditAction.CommentModeChanged, "Comments: off → post-moderated", T));
    }

    [Fact]
    public void Should_leave_details_in_an_unknown_form_as_recorded()
    {
        Assert.Null(AuditDetails.Describe(AuditAction.SignaturesReleased, "a form of a later version", T));
        Assert.Null(AuditDetails.Describe(AuditAction.CampaignCreated, null, T));
    }

    [Fact]
    public void Should_name_every_action_in_each_language()
    {
        var actions = typeof(AuditAction).GetFields().Where(field => field.IsLiteral).Select(field => (string)field.GetRawConstantValue()!).ToList();
        Assert.True(actions.Count > 30, $"Found only {actions.Count} actions.");
        foreach (var language in CountersignApp.Languages)
        {
            using var reader = new CultureScope(language);
            var names = actions.Select(action => AuditAction.Describe(action, T)).ToList();
            Assert.All(actions.Zip(names), pair => Assert.NotEqual(pair.First, pair.Second));
            Assert.Equal(names.Count, names.Distinct().Count());
        }
    }
}
