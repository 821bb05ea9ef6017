using System.Net;
using System.Text.RegularExpressions;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Tests.Updates;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Countersign.Tests.Campaigns;

/// <summary>
/// Amara closes her campaign, marks it delivered, and withdraws another: each button leads to a page that says what
/// cannot be undone and what follows, and only its "Yes" makes the move, once, however often it is sent.
/// </summary>
public abstract class IrreversibleMovesTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private int RetentionMonths => Site.Services.GetRequiredService<IOptions<RetentionOptions>>().Value.EndedCampaignMonths;

    [Fact]
    public async Task Should_close_a_campaign_only_once_confirmed_on_a_page_that_says_what_follows()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake");
        await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.CommentMode, CommentMode.PostModerated)));
        var stillToConfirm = new[] { "late@example.org", "later@example.org" };
        foreach (var email in stillToConfirm)
        {
            await UpdateSteps.AddSignerAsync(Site, campaign, email, [], state: SignatureState.Pending);
        }

        var amara = await Site.Staff.SignedInAsync("amara@example.org", StaffRoles.Admin);
        var confirmPath = $"/staff/campaigns/{campaign.Id}?handler=Confirm&to={CampaignState.Closed}";

        // The status button is a link to the confirmation page, not a form that closes.
        var campaignPage = WebUtility.HtmlDecode(await amara.GetStringAsync($"/staff/campaigns/{campaign.Id}"));
        var closeLink = Regex.Match(campaignPage, "<a class=\"button\"[^>]* href=\"(?<href>[^\"]+)\"[^>]*>Close to signatures…</a>");
        Assert.True(closeLink.Success, "No link to close the campaign.");
        AssertConfirmationAddress(closeLink.Groups["href"].Value, campaign.Id, CampaignState.Closed);
        Assert.DoesNotContain($"name=\"to\" value=\"{CampaignState.Closed}\"", campaignPage, StringComparison.Ordinal);

        // A move posted without the confirmation (an old page, a forged form) goes to the confirmation page instead.
        var unconfirmed = await FormFiller.PostAsync(amara, $"/staff/campaigns/{campaign.Id}?handler=Move", [new("to", CampaignState.Closed)]);
        Assert.Equal(HttpStatusCode.Redirect, unconfirmed.StatusCode);
        AssertConfirmationAddress(unconfirmed.Headers.Location?.OriginalString, campaign.Id, CampaignState.Closed);
        Assert.Equal(CampaignState.Open, await StateAsync(campaign.Id));

        var confirmation = await amara.GetAsync(confirmPath);
        Assert.Equal(HttpStatusCode.OK, confirmation.StatusCode);
        var page = await TextAsync(confirmation);
        Assert.Contains($"Close “<span lang=\"en\" dir=\"ltr\">{campaign.Title}</span>” to signatures?", page, StringComparison.Ordinal);
        Assert.Contains("This cannot be undone.", page, StringComparison.Ordinal);
        Assert.Contains("It stops taking signatures at once, and it can never be opened again", page, StringComparison.Ordinal);
        Assert.Contains($"Unconfirmed now: {stillToConfirm.Length}.", page, StringComparison.Ordinal);
        Assert.Contains("Its comment form closes", page, StringComparison.Ordinal);
        Assert.Contains($"erased {RetentionMonths} months after it is delivered, or after today if it never is", page, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for review is dropped", page, StringComparison.Ordinal);
        Assert.Equal(CampaignState.Open, await StateAsync(campaign.Id));

        // "Yes", then the same "Yes" again (a double click, the back button, a replayed request).
        var yes = await FormFiller.PostAsync(amara, $"/staff/campaigns/{campaign.Id}?handler=Move", [new("to", CampaignState.Closed), new("confirmed", "true")]);
        Assert.Equal(HttpStatusCode.Redirect, yes.StatusCode);
        Assert.Equal(CampaignState.Closed, await StateAsync(campaign.Id));
        var again = await FormFiller.PostAsync(amara, $"/staff/campaigns/{campaign.Id}?handler=Move", [new("to", CampaignState.Closed), new("confirmed", "true")]);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("This campaign is already closed: nothing more was done.", await TextAsync(again), StringComparison.Ordinal);
        var staleConfirmation = await amara.GetAsync(confirmPath);
        Assert.Equal(HttpStatusCode.Conflict, staleConfirmation.StatusCode);
        Assert.Contains("This campaign is already closed: nothing more was done.", await TextAsync(staleConfirmation), StringComparison.Ordinal);
        Assert.Equal(1, await Site.QueryAsync(db => db.AuditEntries.CountAsync(e => e.CampaignId == campaign.Id && e.Action == AuditAction.CampaignClosed)));
    }

    [Fact]
    public async Task Should_confirm_delivering_and_withdrawing_with_their_own_consequences_and_refuse_a_move_the_state_does_not_allow()
    {
        var closed = await Site.AddCampaignAsync("closed-one", CampaignState.Closed);
        var draft = await Site.AddCampaignAsync("a-draft", CampaignState.Draft);
        var open = await Site.AddCampaignAsync("still-open");
        var amara = await Site.Staff.SignedInAsync("amara@example.org", StaffRoles.Admin);

        var delivering = await TextAsync(await amara.GetAsync($"/staff/campaigns/{closed.Id}?handler=Confirm&to={CampaignState.Delivered}"));
        Assert.Contains("its status becomes Delivered, for good", delivering, StringComparison.Ordinal);
        Assert.Contains($"erased {RetentionMonths} months from today", delivering, StringComparison.Ordinal);
        Assert.DoesNotContain("It stops taking signatures", delivering, StringComparison.Ordinal);
        Assert.Contains("Yes, mark it as delivered", delivering, StringComparison.Ordinal);

        // Nobody could sign a draft: withdrawing it ends it, and there is no signer's data to erase.
        var withdrawing = await TextAsync(await amara.GetAsync($"/staff/campaigns/{draft.Id}?handler=Confirm&to={CampaignState.Withdrawn}"));
        Assert.Contains("It ends the campaign for good: it can never be sent for review or opened again.", withdrawing, StringComparison.Ordinal);
        Assert.DoesNotContain("erased", withdrawing, StringComparison.Ordinal);
        Assert.DoesNotContain("stays readable", withdrawing, StringComparison.Ordinal);
        await LifecycleSteps.MoveAsync(amara, draft.Id, CampaignState.Withdrawn);
        Assert.Equal(CampaignState.Withdrawn, await StateAsync(draft.Id));

        // An open campaign withdrawn stops taking signatures, and its page stays readable for its signers.
        var withdrawingOpen = await TextAsync(await amara.GetAsync($"/staff/campaigns/{open.Id}?handler=Confirm&to={CampaignState.Withdrawn}"));
        Assert.Contains("It stops taking signatures at once.", withdrawingOpen, StringComparison.Ordinal);
        Assert.Contains("Its page stays readable, marked as withdrawn", withdrawingOpen, StringComparison.Ordinal);

        var tooEarly = await amara.GetAsync($"/staff/campaigns/{open.Id}?handler=Confirm&to={CampaignState.Delivered}");
        Assert.Equal(HttpStatusCode.Conflict, tooEarly.StatusCode);
        Assert.Contains("Only a closed campaign can be marked as delivered: close it first.", await TextAsync(tooEarly), StringComparison.Ordinal);
        Assert.DoesNotContain("Yes, mark it as delivered", await TextAsync(tooEarly), StringComparison.Ordinal);

        var notAMove = await amara.GetAsync($"/staff/campaigns/{open.Id}?handler=Confirm&to={CampaignState.Open}");
        Assert.Equal(HttpStatusCode.BadRequest, notAMove.StatusCode);
        Assert.Equal(CampaignState.Open, await StateAsync(open.Id));
    }

    [Fact]
    public async Task Should_ask_in_french_with_the_campaign_title_marked_in_its_own_language()
    {
        var campaign = await Site.AddCampaignAsync("drop-the-stake");
        var amara = await Site.Staff.SignedInAsync("amara@example.org", StaffRoles.Admin);
        amara.DefaultRequestHeaders.AcceptLanguage.Add(new("fr"));

        var page = await TextAsync(await amara.GetAsync($"/staff/campaigns/{campaign.Id}?handler=Confirm&to={CampaignState.Closed}"));

        Assert.Contains("<html lang=\"fr\"", page, StringComparison.Ordinal);
        Assert.Contains($"Clore les signatures de «\u00a0<span lang=\"en\" dir=\"ltr\">{campaign.Title}</span>\u00a0»\u00a0?", page, StringComparison.Ordinal);
        Assert.Contains("C’est irréversible.", page, StringComparison.Ordinal);
    }

    /// <summary>The confirmation page's address: the campaign's page, its Confirm handler and the move, in any order.</summary>
    private static void AssertConfirmationAddress(string? address, int campaignId, string to)
    {
        var parts = (address ?? "").Split('?', 2);
        Assert.Equal($"/staff/campaigns/{campaignId}", parts[0]);
        var query = QueryHelpers.ParseQuery(parts.ElementAtOrDefault(1));
        Assert.Equal(("Confirm", to), (query["handler"].ToString(), query["to"].ToString()));
    }

    private Task<string> StateAsync(int campaignId) => Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.State).SingleAsync());

    private static async Task<string> TextAsync(HttpResponseMessage response) => WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
}

public sealed class IrreversibleMovesOnSqlite() : IrreversibleMovesTests(DatabaseProvider.Sqlite);

public sealed class IrreversibleMovesOnPostgres() : IrreversibleMovesTests(DatabaseProvider.Postgres);
