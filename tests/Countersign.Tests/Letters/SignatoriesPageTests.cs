using System.Globalization;
using System.Net;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Letters;
using Countersign.Staff;
using Countersign.Tests.Campaigns;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Letters;

/// <summary>
/// Ines's federation co-signs the letter of a campaign Marc organises: Marc finds it on his signatories page with its
/// private contact, refuses a reason-less rejection, approves it, and the page and campaign list keep up.
/// </summary>
public abstract class SignatoriesPageTests(DatabaseProvider provider) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private async Task<HttpClient> OrganiserOfAsync(Campaign campaign)
    {
        var organiser = await Site.Staff.SignedInAsync("marc@example.org");
        await Site.QueryAsync(async db =>
        {
            var id = await db.StaffUsers.Where(u => u.Email == "marc@example.org").Select(u => u.Id).SingleAsync();
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = id, Role = StaffRoles.Organiser });
            return await db.SaveChangesAsync();
        });
        return organiser;
    }

    [Fact]
    public async Task Should_let_an_organiser_read_a_confirmed_signatory_with_its_contact_and_approve_it_once_a_rejection_without_reason_is_refused()
    {
        var campaign = await Site.AddCampaignAsync("end-the-sponsorship");
        var organiser = await OrganiserOfAsync(campaign);
        Assert.DoesNotContain("/signatories", await organiser.GetStringAsync("/staff"), StringComparison.Ordinal);

        var federation = await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Verified);
        await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Pending, "Not confirmed yet");
        var page = $"/staff/campaigns/{campaign.Id}/signatories";
        Assert.Contains(page, await organiser.GetStringAsync("/staff"), StringComparison.Ordinal);
        Assert.Contains(page, await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}"), StringComparison.Ordinal);

        var shown = WebUtility.HtmlDecode(await organiser.GetStringAsync(page));
        Assert.Contains("Federation of University Unions", shown, StringComparison.Ordinal);
        Assert.Contains(TestSignatories.ContactEmail, shown, StringComparison.Ordinal);
        Assert.Contains("Contact (private)", shown, StringComparison.Ordinal);
        Assert.Contains("Union or federation of unions · Portugal · 6,000 members", shown, StringComparison.Ordinal);
        Assert.Contains("1 organisation has signed but not yet confirmed the contact's email address.", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("Not confirmed yet", shown, StringComparison.Ordinal);

        var id = federation.ToString(CultureInfo.InvariantCulture);
        var noReason = await FormFiller.PostAsync(organiser, $"{page}?handler=Reject", [new("coSignatureId", id), new("Reason", " ")]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noReason.StatusCode);
        var refused = WebUtility.HtmlDecode(await noReason.Content.ReadAsStringAsync());
        Assert.Contains("Give a reason: the organisation is told it, and it is kept in the audit log.", refused, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\"", refused, StringComparison.Ordinal);

        var tooLong = new string('r', CoSignature.ReasonMaxLength + 1);
        var longReason = await FormFiller.PostAsync(organiser, $"{page}?handler=Reject", [new("coSignatureId", id), new("Reason", tooLong)]);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, longReason.StatusCode);
        Assert.Contains($"id=\"reason-{id}\" name=\"Reason\" value=\"{tooLong}\"", await longReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var approved = await FormFiller.PostAsync(organiser, $"{page}?handler=Approve", [new("coSignatureId", id)]);
        Assert.Equal(HttpStatusCode.Redirect, approved.StatusCode);
        var after = WebUtility.HtmlDecode(await organiser.GetStringAsync(page));
        Assert.Contains("Federation of University Unions is approved: it is on the letter, and its contact is told by email.", after, StringComparison.Ordinal);
        Assert.Contains("No organisation is waiting for a decision.", after, StringComparison.Ordinal);
        Assert.Contains("Take off the letter", after, StringComparison.Ordinal);
        Assert.Equal(CoSignatureState.Approved, await Site.QueryAsync(db => db.CoSignatures.Where(s => s.Id == federation).Select(s => s.State).SingleAsync()));

        var again = await FormFiller.PostAsync(organiser, $"{page}?handler=Approve", [new("coSignatureId", id)]);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task Should_save_a_draft_s_letter_from_the_campaign_form_and_send_back_one_that_cannot_be_shown_beside_it()
    {
        var draft = await Site.AddCampaignAsync("end-the-sponsorship", CampaignState.Draft);
        var organiser = await OrganiserOfAsync(draft);
        Assert.Contains("Open letter (optional)", WebUtility.HtmlDecode(await organiser.GetStringAsync($"/staff/campaigns/{draft.Id}")), StringComparison.Ordinal);

        var unreadable = await SaveLetterAsync(organiser, draft, "We ask you.\n\n" + PoisonedMarkdown.NestedList(130));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unreadable.StatusCode);
        var html = WebUtility.HtmlDecode(await unreadable.Content.ReadAsStringAsync());
        var letterField = html.IndexOf("id=\"Letter\"", StringComparison.Ordinal);
        var problem = html.IndexOf("This text cannot be shown: its formatting is nested too deeply", StringComparison.Ordinal);
        Assert.InRange(problem, html.IndexOf("for=\"Letter\"", StringComparison.Ordinal), letterField);

        Assert.Equal(HttpStatusCode.Redirect, (await SaveLetterAsync(organiser, draft, "We, the undersigned, ask you to **end** the sponsorship.")).StatusCode);
        var stored = await Site.QueryAsync(db => db.Campaigns.SingleAsync(c => c.Id == draft.Id));
        Assert.Equal(("The programme committee", "We, the undersigned, ask you to **end** the sponsorship."), (stored.LetterAddressees, stored.LetterMarkdown));
        Assert.Equal(["End the sponsorship", "Publish the contract"], stored.LetterCalls);
    }

    [Fact]
    public async Task Should_show_the_moderator_a_published_campaign_s_new_letter_field_by_field_before_it_applies()
    {
        var campaign = await Site.AddCampaignAsync("end-the-sponsorship");
        var organiser = await OrganiserOfAsync(campaign);
        var moderator = await Site.Staff.SignedInAsync("malik@example.org", StaffRoles.Moderator);

        var proposed = await SaveLetterAsync(organiser, campaign, "We, the undersigned, ask you to end the sponsorship.");
        Assert.Equal(HttpStatusCode.Redirect, proposed.StatusCode);
        Assert.Contains("The change to the demands, targets, hosts or open letter is waiting for review",
            WebUtility.HtmlDecode(await organiser.GetStringAsync($"/staff/campaigns/{campaign.Id}")), StringComparison.Ordinal);
        Assert.False(await Site.QueryAsync(db => db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.LetterMarkdown != "").SingleAsync()));

        var review = WebUtility.HtmlDecode(await moderator.GetStringAsync($"/staff/reviews/{await LifecycleSteps.WaitingReviewAsync(Site, campaign.Id)}"));
        Assert.Contains("<h3>Open letter: addressed to</h3>", review, StringComparison.Ordinal);
        Assert.Contains("<h3>Open letter</h3>", review, StringComparison.Ordinal);
        Assert.Contains("<h3>Open letter: calls</h3>", review, StringComparison.Ordinal);
        Assert.Contains("+ We, the undersigned, ask you to end the sponsorship.", review, StringComparison.Ordinal);
        Assert.Contains("+ Publish the contract", review, StringComparison.Ordinal);
    }

    /// <summary>The campaign form as the edit page posts it, with the campaign's own values and this letter.</summary>
    private static Task<HttpResponseMessage> SaveLetterAsync(HttpClient staff, Campaign campaign, string letter) =>
        FormFiller.PostAsync(staff, $"/staff/campaigns/{campaign.Id}",
        [
            new("Input.Title", campaign.Title), new("Input.Slug", campaign.Slug), new("Input.Summary", campaign.Summary), new("Input.Body", campaign.BodyMarkdown),
            new("Input.Demands", string.Join('\n', campaign.Demands)), new("Input.Targets", string.Join('\n', campaign.Targets)),
            new("Input.Hosts", string.Join('\n', campaign.Hosts.Select(h => h.Name))), new("Input.Goal", campaign.Goal.ToString(CultureInfo.InvariantCulture)),
            new("Input.LetterAddressees", "The programme committee"), new("Input.Letter", letter), new("Input.LetterCalls", "End the sponsorship\r\nPublish the contract\r\n"),
        ]);

    [Fact]
    public async Task Should_export_the_confirmed_signatories_of_this_campaign_only_with_their_contacts_and_record_the_download()
    {
        var campaign = await Site.AddCampaignAsync("end-the-sponsorship");
        var other = await Site.AddCampaignAsync("another-letter");
        var organiser = await OrganiserOfAsync(campaign);
        await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Approved);
        await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Verified, "=HYPERLINK(\"http://evil.example\")");
        await TestSignatories.AddAsync(Site, campaign, CoSignatureState.Pending, "Not confirmed yet");
        await TestSignatories.AddAsync(Site, other, CoSignatureState.Approved, "Another campaign's signatory");
        var page = $"/staff/campaigns/{campaign.Id}/signatories";
        Assert.Contains("Download the signatories (CSV)", await organiser.GetStringAsync(page), StringComparison.Ordinal);

        var export = await FormFiller.PostAsync(organiser, $"{page}?handler=Export", []);

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("text/csv", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("end-the-sponsorship-signatories.csv", export.Content.Headers.ContentDisposition?.FileNameStar);
        var lines = System.Text.Encoding.UTF8.GetString(await export.Content.ReadAsByteArrayAsync()).TrimStart('\uFEFF')
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(string.Join(',', SignatoriesCsv.Header), lines[0]);
        Assert.Equal(3, lines.Length);
        Assert.Contains(lines, line => line.Contains(",approved,Federation of University Unions,", StringComparison.Ordinal)
            && line.Contains(TestSignatories.ContactEmail, StringComparison.Ordinal));

        // A formula typed as a name stays text in a spreadsheet.
        Assert.Contains(lines, line => line.Contains(",verified,\"'=HYPERLINK", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, line => line.Contains("Not confirmed yet", StringComparison.Ordinal) || line.Contains("Another campaign", StringComparison.Ordinal));
        var audit = await Site.QueryAsync(db => db.AuditEntries.Where(e => e.Action == AuditAction.CoSignaturesExported).Select(e => new { e.CampaignId, e.Details }).SingleAsync());
        Assert.Equal((campaign.Id, "2 organisations"), (audit.CampaignId!.Value, audit.Details));

        // The organiser of one campaign cannot export another's signatories, even with a good form token.
        var token = await FormFiller.AntiforgeryTokenAsync(organiser, page);
        var elsewhere = await organiser.PostAsync($"/staff/campaigns/{other.Id}/signatories?handler=Export",
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode);
        Assert.Equal(1, await Site.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.CoSignaturesExported)));
    }

    [Fact]
    public async Task Should_answer_not_found_for_a_signatory_of_another_campaign_and_change_nothing()
    {
        var campaign = await Site.AddCampaignAsync("end-the-sponsorship");
        var other = await Site.AddCampaignAsync("another-letter");
        var organiser = await OrganiserOfAsync(campaign);
        var elsewhere = await TestSignatories.AddAsync(Site, other, CoSignatureState.Verified);

        var answer = await FormFiller.PostAsync(organiser, $"/staff/campaigns/{campaign.Id}/signatories?handler=Approve",
            [new("coSignatureId", elsewhere.ToString(CultureInfo.InvariantCulture))]);

        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        Assert.Contains("This letter has no such signatory.", WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(CoSignatureState.Verified, await Site.QueryAsync(db => db.CoSignatures.Where(s => s.Id == elsewhere).Select(s => s.State).SingleAsync()));
        Assert.Equal(0, await Site.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action.StartsWith("cosignature."))));
    }
}

public sealed class SignatoriesPageOnSqlite() : SignatoriesPageTests(DatabaseProvider.Sqlite);

public sealed class SignatoriesPageOnPostgres() : SignatoriesPageTests(DatabaseProvider.Postgres);
