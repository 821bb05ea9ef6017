using System.Net;
using System.Text.Json;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Campaigns;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Signing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Comments;

/// <summary>People comment on a campaign, confirm by email, and moderators decide. Runs on SQLite and on PostgreSQL.</summary>
public abstract class CommentsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Email = "leila.benali@example.org";
    private const string Text = "I work at the station.\nNobody asked us about these cameras.";

    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private static Dictionary<string, string> CommentForm(string name = "Leïla Benali", string email = Email, string text = Text) => new()
    {
        ["Comment.Name"] = name,
        ["Comment.Email"] = email,
        ["Comment.Text"] = text,
    };

    private async Task<Campaign> CampaignWithCommentsAsync(string mode, string slug = "stop-the-cameras", string state = CampaignState.Open)
    {
        var campaign = await Site.AddCampaignAsync(slug, state);
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, mode)));
        campaign.CommentMode = mode;
        return campaign;
    }

    private static Task<HttpResponseMessage> PostCommentAsync(HttpClient browser, Campaign campaign, Dictionary<string, string>? form = null) =>
        FormFiller.PostAsync(browser, $"/c/{campaign.Slug}?handler=Comment", form ?? CommentForm());

    /// <summary>Posts a comment and follows the link in its email, as its author would; returns the comment's id.</summary>
    private async Task<long> CommentAndConfirmAsync(Campaign campaign, string email = Email, string text = Text, HttpClient? browser = null, int emailsBefore = 0)
    {
        var posted = await PostCommentAsync(browser ?? Site.Browser(), campaign, CommentForm(email: email, text: text));
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal($"/c/{campaign.Slug}/comments/check-email", posted.Headers.Location?.OriginalString);
        var message = (await Site.Mailbox.EmailsAsync(emailsBefore + 1)).Last(m => m.To.Mailboxes.Single().Address == email);
        var path = Mailbox.CommentConfirmationPath(message);
        var reader = Site.Browser();
        var page = await reader.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Confirm my comment", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var confirmed = await FormFiller.PostAsync(reader, path, []);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        return await Site.QueryAsync(db => db.Comments.OrderByDescending(c => c.Id).Select(c => c.Id).FirstAsync());
    }

    private async Task<string> PublicPageAsync(Campaign campaign) => WebUtility.HtmlDecode(await Site.Browser().GetStringAsync($"/c/{campaign.Slug}"));

    private async Task<string> JsonAsync(Campaign campaign) => await Site.Browser().GetStringAsync($"/c/{campaign.Slug}.json");

    private static Task<HttpResponseMessage> DecideAsync(HttpClient staff, Campaign campaign, string handler, long commentId, string? reason = null) =>
        FormFiller.PostAsync(staff, $"/staff/campaigns/{campaign.Id}/comments?handler={handler}",
            reason is null ? [new("commentId", commentId.ToString(System.Globalization.CultureInfo.InvariantCulture))]
                : [new("commentId", commentId.ToString(System.Globalization.CultureInfo.InvariantCulture)), new("Reason", reason)]);

    private async Task<string> StateOfAsync(long commentId) => await Site.QueryAsync(db => db.Comments.Where(c => c.Id == commentId).Select(c => c.State).SingleAsync());

    [Fact]
    public async Task Should_offer_no_comment_form_and_refuse_a_comment_while_comments_are_off_or_the_campaign_is_closed()
    {
        var off = await Site.AddCampaignAsync();
        var page = await PublicPageAsync(off);
        Assert.DoesNotContain("Comment.Text", page, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"comments\"", page, StringComparison.Ordinal);

        var refused = await PostCommentAsync(Site.Browser(), off);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("This campaign does not take comments.", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var closed = await CampaignWithCommentsAsync(CommentMode.PostModerated, "closed-campaign", CampaignState.Closed);
        Assert.DoesNotContain("Comment.Text", await PublicPageAsync(closed), StringComparison.Ordinal);
        // A closed campaign's page has no form at all: the token comes from another page, as a script's would.
        var browser = Site.Browser();
        var token = await FormFiller.AntiforgeryTokenAsync(browser, $"/c/{off.Slug}");
        var tooLate = await browser.PostAsync($"/c/{closed.Slug}?handler=Comment", new FormUrlEncodedContent([.. CommentForm(), new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Conflict, tooLate.StatusCode);
        Assert.Contains("This campaign is closed and no longer takes comments.", WebUtility.HtmlDecode(await tooLate.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        Assert.Equal(0, await Site.QueryAsync(db => db.Comments.CountAsync()));
        Assert.Empty(await Site.QueryAsync(db => db.OutboxMessages.ToListAsync()));
    }

    [Fact]
    public async Task Should_let_an_organiser_switch_comments_on_an_open_campaign_at_once_with_an_audit_entry()
    {
        var campaign = await Site.AddCampaignAsync();
        var organiser = await Site.Staff.SignedInAsync("organiser@example.org");
        await Site.QueryAsync(async db =>
        {
            var id = await db.StaffUsers.Where(u => u.Email == "organiser@example.org").Select(u => u.Id).SingleAsync();
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = id, Role = StaffRoles.Organiser });
            return await db.SaveChangesAsync();
        });
        Assert.Contains("name=\"Input.CommentMode\" value=\"off\" checked", await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}"), StringComparison.Ordinal);

        var unknown = await LifecycleSteps.SaveAsync(organiser, campaign, commentMode: "whenever");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknown.StatusCode);
        Assert.Contains("Choose whether the campaign takes comments from the list.", WebUtility.HtmlDecode(await unknown.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var saved = await LifecycleSteps.SaveAsync(organiser, campaign, commentMode: CommentMode.PreModerated);
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        Assert.Equal(CommentMode.PreModerated, await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.CommentMode).SingleAsync()));

        // A setting, not a change of what the campaign asks: nothing goes to the review queue.
        Assert.False(await Site.QueryAsync(db => db.CampaignReviews.AnyAsync(r => r.CampaignId == campaign.Id)));
        var audit = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.CommentModeChanged).Select(e => e.Details).SingleAsync());
        Assert.Equal("Comments: off → pre-moderated", audit);
        Assert.Contains("name=\"Comment.Text\"", await PublicPageAsync(campaign), StringComparison.Ordinal);
        Assert.Contains("\"comment_mode\":\"pre-moderated\"", await JsonAsync(campaign), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_a_pre_moderated_comment_invisible_until_a_moderator_publishes_it()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PreModerated);
        var browser = Site.Browser();
        Assert.Contains("No comments yet.", await PublicPageAsync(campaign), StringComparison.Ordinal);

        var posted = await PostCommentAsync(browser, campaign);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        var checkEmail = WebUtility.HtmlDecode(await browser.GetStringAsync(posted.Headers.Location!.OriginalString));
        Assert.Contains("a moderator reads your comment before it is published", checkEmail, StringComparison.Ordinal);
        var email = Assert.Single(await Site.Mailbox.EmailsAsync(1));
        Assert.Equal(Email, email.To.Mailboxes.Single().Address);
        Assert.Contains("a moderator then reads your comment", email.TextBody, StringComparison.Ordinal);

        // Stored encrypted: neither the address nor the text is in the row as typed.
        var stored = await Site.QueryAsync(db => db.Comments.SingleAsync());
        Assert.Equal(CommentState.Pending, stored.State);
        Assert.DoesNotContain(Email, System.Text.Encoding.UTF8.GetString(stored.EmailCiphertext), StringComparison.Ordinal);
        Assert.DoesNotContain("station", System.Text.Encoding.UTF8.GetString(stored.TextCiphertext), StringComparison.Ordinal);

        var path = Mailbox.CommentConfirmationPath(email);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(Site.Browser(), path, [])).StatusCode);
        Assert.Equal(CommentState.Waiting, await StateOfAsync(stored.Id));
        Assert.Contains("A moderator reads it before it is published.", WebUtility.HtmlDecode(await Site.Browser().GetStringAsync(path)), StringComparison.Ordinal);
        Assert.DoesNotContain("Nobody asked us", await PublicPageAsync(campaign), StringComparison.Ordinal);
        Assert.Contains("\"comments\":[]", await JsonAsync(campaign), StringComparison.Ordinal);

        var moderator = await Site.Staff.SignedInAsync("moderator@example.org", StaffRoles.Moderator);
        var queue = WebUtility.HtmlDecode(await moderator.GetStringAsync("/staff/reviews"));
        Assert.Contains($"/staff/campaigns/{campaign.Id}/comments", queue, StringComparison.Ordinal);
        var waiting = WebUtility.HtmlDecode(await moderator.GetStringAsync($"/staff/campaigns/{campaign.Id}/comments"));
        Assert.Contains("Nobody asked us", waiting, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, waiting, StringComparison.Ordinal);

        var published = await DecideAsync(moderator, campaign, "Publish", stored.Id);
        Assert.Equal(HttpStatusCode.Redirect, published.StatusCode);
        Assert.Equal(CommentState.Published, await StateOfAsync(stored.Id));
        var page = await PublicPageAsync(campaign);
        Assert.Contains("Leïla Benali", page, StringComparison.Ordinal);
        Assert.Contains("I work at the station.\nNobody asked us about these cameras.", page, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, page, StringComparison.Ordinal);

        using var json = JsonDocument.Parse(await JsonAsync(campaign));
        var comment = Assert.Single(json.RootElement.GetProperty("comments").EnumerateArray());
        Assert.Equal("Leïla Benali", comment.GetProperty("name").GetString());
        Assert.Equal(Text, comment.GetProperty("text").GetString());
        Assert.DoesNotContain("leila.benali", json.RootElement.GetRawText(), StringComparison.Ordinal);

        // A second decision on the same comment finds it decided.
        Assert.Equal(HttpStatusCode.Conflict, (await DecideAsync(moderator, campaign, "Publish", stored.Id)).StatusCode);
        Assert.Equal($"Comment {stored.Id}", await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.CommentPublished).Select(e => e.Details).SingleAsync()));
    }

    [Fact]
    public async Task Should_show_a_post_moderated_comment_once_confirmed_and_let_a_moderator_hide_and_restore_it_with_a_reason()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        Assert.Equal(HttpStatusCode.Redirect, (await PostCommentAsync(Site.Browser(), campaign, CommentForm(text: "<script>alert('x')</script> Cancel it."))).StatusCode);
        var pageBeforeConfirming = await PublicPageAsync(campaign);
        Assert.DoesNotContain("Cancel it.", pageBeforeConfirming, StringComparison.Ordinal);
        Assert.Contains($"action=\"/c/{campaign.Slug}?handler=Comment#add-comment\"", pageBeforeConfirming, StringComparison.Ordinal);

        var email = Assert.Single(await Site.Mailbox.EmailsAsync(1));
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(Site.Browser(), Mailbox.CommentConfirmationPath(email), [])).StatusCode);
        var commentId = await Site.QueryAsync(db => db.Comments.Select(c => c.Id).SingleAsync());
        Assert.Equal(CommentState.Published, await StateOfAsync(commentId));

        // Plain text: the markup shows as typed, encoded, and never runs.
        var raw = await Site.Browser().GetStringAsync($"/c/{campaign.Slug}");
        Assert.Contains("&lt;script&gt;alert(", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert('x')</script> Cancel", raw, StringComparison.Ordinal);
        Assert.DoesNotContain(Email, raw, StringComparison.Ordinal);

        var moderator = await Site.Staff.SignedInAsync("moderator@example.org", StaffRoles.Moderator);
        var noReason = await DecideAsync(moderator, campaign, "Hide", commentId, reason: "  ");
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        Assert.Contains("Give a reason: it is kept in the audit log.", WebUtility.HtmlDecode(await noReason.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        var tooLong = await DecideAsync(moderator, campaign, "Hide", commentId, reason: new string('r', Comment.ReasonMaxLength + 1));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, tooLong.StatusCode);
        Assert.Contains($"value=\"{new string('r', Comment.ReasonMaxLength + 1)}\"", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(CommentState.Published, await StateOfAsync(commentId));

        Assert.Equal(HttpStatusCode.Redirect, (await DecideAsync(moderator, campaign, "Hide", commentId, reason: "Spam link")).StatusCode);
        Assert.Equal(CommentState.Hidden, await StateOfAsync(commentId));
        var hiddenPage = await PublicPageAsync(campaign);
        Assert.DoesNotContain("Cancel it.", hiddenPage, StringComparison.Ordinal);
        Assert.DoesNotContain("Leïla Benali", hiddenPage, StringComparison.Ordinal);
        Assert.Contains("\"comments\":[]", await JsonAsync(campaign), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await DecideAsync(moderator, campaign, "Restore", commentId)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await DecideAsync(moderator, campaign, "Restore", commentId, reason: "The link was the council's own report")).StatusCode);
        Assert.Contains("Cancel it.", await PublicPageAsync(campaign), StringComparison.Ordinal);

        var audit = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action.StartsWith("comment.")).OrderBy(e => e.Id).Select(e => new { e.Action, e.Details, e.StaffUserId }).ToListAsync());
        Assert.Equal([AuditAction.CommentHidden, AuditAction.CommentRestored], audit.Select(e => e.Action));
        Assert.Equal($"Comment {commentId}: Spam link", audit[0].Details);
        Assert.Equal($"Comment {commentId}: The link was the council's own report", audit[1].Details);
        Assert.All(audit, e => Assert.NotNull(e.StaffUserId));
        Assert.All(audit, e => Assert.DoesNotContain("leila", e.Details!, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Should_let_organisers_read_the_comments_but_not_decide()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PreModerated);
        var commentId = await CommentAndConfirmAsync(campaign);
        var organiser = await Site.Staff.SignedInAsync("organiser@example.org");
        await Site.QueryAsync(async db =>
        {
            var id = await db.StaffUsers.Where(u => u.Email == "organiser@example.org").Select(u => u.Id).SingleAsync();
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = id, Role = StaffRoles.Organiser });
            return await db.SaveChangesAsync();
        });

        var page = WebUtility.HtmlDecode(await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}/comments"));
        Assert.Contains("Nobody asked us", page, StringComparison.Ordinal);
        Assert.Contains("Moderators decide which comments are shown.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("handler=Publish", page, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await DecideAsync(organiser, campaign, "Publish", commentId)).StatusCode);
        Assert.Equal(CommentState.Waiting, await StateOfAsync(commentId));
    }

    [Fact]
    public async Task Should_answer_bad_comments_with_422_and_keep_what_was_typed()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        var form = CommentForm(email: "not an address", text: new string('a', Comment.TextMaxLength + 1));
        form["Comment.Name"] = "Leïla Benali";
        var response = await PostCommentAsync(Site.Browser(), campaign, form);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        Assert.Contains("Enter an email address like name@example.org.", html, StringComparison.Ordinal);
        Assert.Contains("Your comment must be 2,000 characters or fewer.", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Leïla Benali\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"not an address\"", html, StringComparison.Ordinal);

        var empty = await PostCommentAsync(Site.Browser(), campaign, CommentForm(name: " ", text: ""));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, empty.StatusCode);
        var emptyHtml = WebUtility.HtmlDecode(await empty.Content.ReadAsStringAsync());
        Assert.Contains("Enter your name.", emptyHtml, StringComparison.Ordinal);
        Assert.Contains("Write your comment.", emptyHtml, StringComparison.Ordinal);
        Assert.Contains($"value=\"{Email}\"", emptyHtml, StringComparison.Ordinal);
        Assert.Equal(0, await Site.QueryAsync(db => db.Comments.CountAsync()));
    }

    [Fact]
    public async Task Should_refuse_a_comment_with_a_missing_or_invalid_proof_of_work_as_signing_does()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        foreach (var proof in new[] { "", "bm90IGEgc29sdXRpb24=" })
        {
            var form = CommentForm();
            form[ProofOfWork.FormField] = proof;
            var response = await PostCommentAsync(Site.Browser(), campaign, form);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
            var html = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
            Assert.Contains("Wait a moment for the anti-spam check to finish", html, StringComparison.Ordinal);
            Assert.Contains("press Post comment again", html, StringComparison.Ordinal);
            Assert.Contains("Nobody asked us about these cameras.", html, StringComparison.Ordinal);
        }

        // A solution spent once (a replay) is answered like any comment, and nothing is kept.
        var browser = Site.Browser();
        var solved = await FormFiller.CompleteAsync(browser, $"/c/{campaign.Slug}?handler=Comment", CommentForm());
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/c/{campaign.Slug}?handler=Comment", new FormUrlEncodedContent(solved))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.PostAsync($"/c/{campaign.Slug}?handler=Comment", new FormUrlEncodedContent(solved))).StatusCode);
        Assert.Equal(1, await Site.QueryAsync(db => db.Comments.CountAsync()));

        // So is a form whose honeypot was filled in.
        var trapped = CommentForm(email: "script@example.org");
        trapped[Countersign.Comments.CommentForm.HoneypotField] = "https://spam.example";
        Assert.Equal(HttpStatusCode.Redirect, (await PostCommentAsync(Site.Browser(), campaign, trapped)).StatusCode);
        Assert.Equal(1, await Site.QueryAsync(db => db.Comments.CountAsync()));
        Assert.Equal(1, await Site.QueryAsync(db => db.OutboxMessages.CountAsync()));
    }

    [Fact]
    public async Task Should_answer_a_flood_of_comments_from_one_address_with_429_as_signing_does()
    {
        await using var site = await TestSite.StartAsync(provider, settings =>
        {
            settings["RateLimits:FloodRequests"] = "5";
            settings["RateLimits:FloodWindowSeconds"] = "60";
        });
        var campaign = await site.AddCampaignAsync();
        await site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, CommentMode.PostModerated)));
        var flooder = site.Browser(IPAddress.Parse("198.51.100.66"));

        // Loading the page and its challenge takes two requests; then the same comment, again and again.
        var form = await FormFiller.CompleteAsync(flooder, $"/c/{campaign.Slug}?handler=Comment", CommentForm());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            statuses.Add((await flooder.PostAsync($"/c/{campaign.Slug}?handler=Comment", new FormUrlEncodedContent(form))).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.Redirect, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        var refused = await flooder.PostAsync($"/c/{campaign.Slug}?handler=Comment", new FormUrlEncodedContent(form));
        Assert.Equal("60", refused.Headers.RetryAfter?.ToString());
        Assert.Contains("Too many requests from your connection", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await site.QueryAsync(db => db.Comments.CountAsync()));
    }

    [Fact]
    public async Task Should_hold_for_a_moderator_a_comment_over_the_address_rate_limit_counted_apart_from_signatures()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        var neighbour = Site.Browser(IPAddress.Parse("198.51.100.7"));

        // One signature and one comment from the address in the same minute: one of each, neither held.
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(neighbour, $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: "signer@example.org"))).StatusCode);
        var first = await CommentAndConfirmAsync(campaign, email: "first@example.org", browser: neighbour, emailsBefore: 1);
        Assert.Equal(CommentState.Published, await StateOfAsync(first));

        // A second comment in the minute is over the limit of one: it waits for a moderator.
        var second = await CommentAndConfirmAsync(campaign, email: "second@example.org", text: "Me too.", browser: neighbour, emailsBefore: 2);
        Assert.Equal(CommentState.Waiting, await StateOfAsync(second));
        Assert.Equal(SigningRates.AddressReason, await Site.QueryAsync(db => db.Comments.Where(c => c.Id == second).Select(c => c.HeldBecause).SingleAsync()));
        Assert.DoesNotContain("Me too.", await PublicPageAsync(campaign), StringComparison.Ordinal);
        Assert.Null(await Site.QueryAsync(db => db.Signatures.Select(s => s.HeldBecause).SingleAsync()));
    }

    [Fact]
    public async Task Should_delete_comments_never_confirmed_after_7_days_and_every_comment_when_the_campaign_is_erased()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        var confirmed = await CommentAndConfirmAsync(campaign);
        Assert.Equal(HttpStatusCode.Redirect, (await PostCommentAsync(Site.Browser(), campaign, CommentForm(email: "never.confirms@example.org", text: "Unconfirmed words"))).StatusCode);
        var job = Site.Services.GetRequiredService<RetentionJob>();

        Site.Clock.Advance(TimeSpan.FromDays(7.1));
        var run = await job.RunOnceAsync();
        Assert.Equal(1, run?.PendingCommentsErased);
        Assert.Equal([confirmed], await Site.QueryAsync(db => db.Comments.Select(c => c.Id).ToListAsync()));
        Assert.Contains("Nobody asked us", await PublicPageAsync(campaign), StringComparison.Ordinal);

        var keys = Site.Services.GetRequiredService<CampaignKeys>();
        Assert.True(await Site.QueryAsync(db => Erasure.ShredCampaignAsync(db, keys, campaign.Id, Site.Clock.GetUtcNow().UtcDateTime)));
        Assert.Equal(0, await Site.QueryAsync(db => db.Comments.CountAsync()));
        Site.Services.GetRequiredService<CampaignCache>().Forget(campaign.Slug);
        Assert.DoesNotContain("Nobody asked us", await PublicPageAsync(campaign), StringComparison.Ordinal);
        Assert.Contains("\"comments\":[]", await JsonAsync(campaign), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_delete_a_signers_comments_when_they_erase_their_signature()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        Assert.Equal(HttpStatusCode.Redirect, (await FormFiller.PostAsync(Site.Browser(), $"/c/{campaign.Slug}", SigningTests.Form(campaign, email: Email))).StatusCode);
        await CommentAndConfirmAsync(campaign, emailsBefore: 1);
        await CommentAndConfirmAsync(campaign, email: "someone.else@example.org", text: "Another voice", emailsBefore: 2);
        var signatureEmail = (await Site.Mailbox.EmailsAsync(3)).Single(m => (m.Subject ?? "").StartsWith("Confirm your signature", StringComparison.Ordinal));

        var erase = Mailbox.ErasePath(signatureEmail);
        Assert.Contains("Any comments you wrote on this campaign", WebUtility.HtmlDecode(await Site.Browser().GetStringAsync(erase)), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await FormFiller.PostAsync(Site.Browser(), erase, [])).StatusCode);

        var page = await PublicPageAsync(campaign);
        Assert.DoesNotContain("Nobody asked us", page, StringComparison.Ordinal);
        Assert.Contains("Another voice", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_let_someone_who_only_commented_delete_their_comments_from_the_link_in_the_email()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        await CommentAndConfirmAsync(campaign);
        await CommentAndConfirmAsync(campaign, email: "someone.else@example.org", text: "Another voice", emailsBefore: 1);
        var commentEmail = (await Site.Mailbox.EmailsAsync(2)).Single(m => m.To.Mailboxes.Single().Address == Email);

        var erase = Mailbox.ErasePath(commentEmail);
        var offer = WebUtility.HtmlDecode(await Site.Browser().GetStringAsync(erase));
        Assert.Contains("You are about to delete your comments on", offer, StringComparison.Ordinal);
        Assert.DoesNotContain("Erase my signature", offer, StringComparison.Ordinal);
        var done = await FormFiller.PostAsync(Site.Browser(), erase, []);
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        Assert.Contains("are deleted, with your name and email address.", WebUtility.HtmlDecode(await done.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        var page = await PublicPageAsync(campaign);
        Assert.DoesNotContain("Nobody asked us", page, StringComparison.Ordinal);
        Assert.Contains("Another voice", page, StringComparison.Ordinal);
        Assert.Equal(1, await Site.QueryAsync(db => db.Comments.CountAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await Site.Browser().GetAsync(erase)).StatusCode);
    }

    [Fact]
    public async Task Should_list_every_published_comment_a_page_at_a_time_newest_first()
    {
        var campaign = await CampaignWithCommentsAsync(CommentMode.PostModerated);
        var pageSize = PublishedComments.PageSize;
        var total = (pageSize * 2) + 3;
        await PublishedCommentsAsync(campaign, total);
        var hidden = await CommentAndConfirmAsync(campaign, text: "A comment a moderator hid");
        await Site.QueryAsync(db => db.Comments.Where(c => c.Id == hidden).ExecuteUpdateAsync(c => c.SetProperty(x => x.State, CommentState.Hidden)));
        Site.Services.GetRequiredService<CampaignCache>().Forget(campaign.Slug);

        // The campaign page lists the newest page and leads to the older ones.
        var first = await PublicPageAsync(campaign);
        Assert.Equal(Enumerable.Range(total - pageSize + 1, pageSize).Reverse(), Numbers(first));
        Assert.Contains($"href=\"/c/{campaign.Slug}/comments?page=2\">Older comments", first, StringComparison.Ordinal);

        var second = await CommentsPageAsync(campaign, "2");
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(Enumerable.Range(total - (2 * pageSize) + 1, pageSize).Reverse(), Numbers(second.Html));
        Assert.Contains("?page=1\" rel=\"prev\">Newer comments", second.Html, StringComparison.Ordinal);
        Assert.Contains("?page=3\" rel=\"next\">Older comments", second.Html, StringComparison.Ordinal);

        var last = await CommentsPageAsync(campaign, "3");
        Assert.Equal([3, 2, 1], Numbers(last.Html));
        Assert.DoesNotContain("Older comments", last.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("A comment a moderator hid", first + second.Html + last.Html, StringComparison.Ordinal);
        Assert.Equal(Numbers(first), Numbers((await CommentsPageAsync(campaign, null)).Html));

        // A page past the end, or something that is not a page number, gets a sentence saying so.
        var beyond = await CommentsPageAsync(campaign, "4");
        Assert.Equal(HttpStatusCode.NotFound, beyond.Status);
        Assert.Contains("There are no comments on page 4: this campaign's comments end before it.", beyond.Html, StringComparison.Ordinal);
        foreach (var nonsense in new[] { "0", "-1", "two", "1.5", "99999999999" })
        {
            var refused = await CommentsPageAsync(campaign, nonsense);
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains("The page number must be a whole number from 1 up, such as 2.", refused.Html, StringComparison.Ordinal);
        }

        // A campaign without comments has no comments pages.
        var off = await Site.AddCampaignAsync("no-comments");
        Assert.Equal(HttpStatusCode.NotFound, (await CommentsPageAsync(off, null)).Status);
    }

    /// <summary>Published comments "Comment number 1." to "Comment number N.", each a minute newer than the one before.</summary>
    private async Task PublishedCommentsAsync(Campaign campaign, int count)
    {
        var cipher = await Site.Services.GetRequiredService<CampaignKeys>().ForCampaignAsync(campaign.Id);
        var start = Site.Clock.GetUtcNow().UtcDateTime.AddDays(-1);
        await Site.QueryAsync(db =>
        {
            db.Comments.AddRange(Enumerable.Range(1, count).Select(number => new Comment
            {
                CampaignId = campaign.Id,
                NameCiphertext = cipher.Encrypt($"Commenter {number}"),
                EmailCiphertext = cipher.Encrypt($"commenter{number}@example.org"),
                EmailKey = System.Security.Cryptography.RandomNumberGenerator.GetBytes(32),
                TextCiphertext = cipher.Encrypt($"Comment number {number}."),
                Locale = "en",
                State = CommentState.Published,
                CreatedAt = start,
                ConfirmedAt = start,
                PublishedAt = start.AddMinutes(number),
            }));
            return db.SaveChangesAsync();
        });
    }

    private async Task<(HttpStatusCode Status, string Html)> CommentsPageAsync(Campaign campaign, string? page)
    {
        var response = await Site.Browser().GetAsync($"/c/{campaign.Slug}/comments" + (page is null ? "" : "?page=" + Uri.EscapeDataString(page)));
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    /// <summary>The numbers of the comments a page lists, in its order.</summary>
    private static List<int> Numbers(string html) =>
        [.. System.Text.RegularExpressions.Regex.Matches(html, @"Comment number (\d+)\.").Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture))];
}

public sealed class CommentsOnSqlite() : CommentsTests(DatabaseProvider.Sqlite);

public sealed class CommentsOnPostgres() : CommentsTests(DatabaseProvider.Postgres);
