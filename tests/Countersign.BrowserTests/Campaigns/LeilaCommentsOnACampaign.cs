using Countersign.Comments;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Countersign.BrowserTests.Campaigns.ACampaignFromDraftToUpdate;
using static Countersign.BrowserTests.Signing.SuzieSignsAPetition;
using static Countersign.BrowserTests.Staff.OrganiserSecuresHerAccount;

namespace Countersign.BrowserTests.Campaigns;

/// <summary>
/// Leïla comments on a campaign that shows comments once confirmed, confirms from her email and finds her comment on
/// the page; Malik the moderator hides it with a reason, and it is gone from the page. Each in their own browser.
/// </summary>
public sealed class LeilaCommentsOnACampaign
{
    [Fact]
    public async Task A_person_comments_and_confirms_then_a_moderator_hides_the_comment_with_a_reason()
    {
        await using var site = await TestSite.StartAsync(DatabaseProvider.Sqlite, kestrel: true);
        var campaign = await site.AddCampaignAsync("drop-the-stake");
        await site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, CommentMode.PostModerated)));
        await site.Staff.AddAsync("malik@example.org", StaffRoles.Moderator);
        await using var browser = await Browser.LaunchAsync();
        var leila = await NewPageAsync(browser, site);
        var malik = await NewPageAsync(browser, site);

        // Leïla writes her comment; the anti-spam check starts once she is in the form.
        await leila.GotoAsync("/c/drop-the-stake");
        var form = leila.GetByRole(AriaRole.Form, new() { Name = "Add a comment" });
        await form.GetByLabel("Your name").FillAsync("Leïla Benali");
        await form.GetByLabel("Email address").FillAsync("leila.benali@example.org");
        await form.GetByLabel("Your comment").FillAsync("I work at the station.\nNobody asked us about these cameras.");
        await leila.WaitForFunctionAsync("() => document.querySelector('form[aria-labelledby=comment-form-heading] input[name=altcha]')?.value?.length > 0", null, new() { Timeout = 30_000 });
        await form.GetByRole(AriaRole.Button, new() { Name = "Post comment" }).ClickAsync();
        await leila.GetByRole(AriaRole.Heading, new() { Name = "Check your email" }).WaitForAsync();
        await ExpectAccessibleAsync(leila);

        var confirmation = Assert.Single(await site.Mailbox.EmailsAsync(1));
        await leila.GotoAsync(Mailbox.CommentConfirmationPath(confirmation));
        await leila.GetByRole(AriaRole.Button, new() { Name = "Confirm my comment" }).ClickAsync();
        await leila.GetByText("Thank you: your comment on").WaitForAsync();
        await leila.GotoAsync("/c/drop-the-stake");
        var shown = leila.Locator(".comment-list .comment");
        await shown.GetByText("Nobody asked us about these cameras.").WaitForAsync();
        Assert.Contains("Leïla Benali", await shown.InnerTextAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("leila.benali@example.org", await leila.ContentAsync(), StringComparison.Ordinal);
        await ExpectAccessibleAsync(leila);
        await leila.GotoAsync("/c/drop-the-stake/comments");
        await leila.GetByRole(AriaRole.Heading, new() { Name = $"Comments on {campaign.Title}" }).WaitForAsync();
        await ExpectAccessibleAsync(leila);

        // Malik hides it from the campaign's comments page; hiding needs a reason.
        await malik.GotoAsync("/staff");
        await SignInAsync(malik, site, "malik@example.org");
        await malik.GetByRole(AriaRole.Link, new() { Name = "I have saved my recovery codes: continue" }).ClickAsync();
        await malik.GotoAsync($"/staff/campaigns/{campaign.Id}/comments");
        await malik.GetByRole(AriaRole.Button, new() { Name = "Hide" }).ClickAsync();
        await malik.Locator(".field-error").First.WaitForAsync();
        await malik.GetByLabel("Reason for hiding").FillAsync("Names a colleague who did not agree to it.");
        await malik.GetByRole(AriaRole.Button, new() { Name = "Hide" }).ClickAsync();
        await malik.GetByRole(AriaRole.Button, new() { Name = "Restore" }).WaitForAsync();
        await ExpectAccessibleAsync(malik);

        await leila.GotoAsync("/c/drop-the-stake");
        await leila.GetByText("No comments yet.").WaitForAsync();
        Assert.Equal(CommentState.Hidden, await site.QueryAsync(db => db.Comments.Select(c => c.State).SingleAsync()));
    }
}
