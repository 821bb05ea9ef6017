using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace Countersign.Tests.Updates;

/// <summary>What tests of updates do again and again: a signed-in organiser, the update form, signers with given consents.</summary>
public static partial class UpdateSteps
{
    private const string OrganiserEmail = "organiser@example.org";

    /// <summary>A browser signed in (password and authenticator) as an organiser of the <paramref name="campaigns"/>.</summary>
    public static async Task<HttpClient> SignedInOrganiserAsync(TestSite site, params Campaign[] campaigns)
    {
        var browser = await site.Staff.SignedInAsync(OrganiserEmail);
        await site.QueryAsync(async db =>
        {
            var organiser = await db.StaffUsers.Where(u => u.Email == OrganiserEmail).Select(u => u.Id).SingleAsync();
            foreach (var campaign in campaigns)
            {
                if (!await db.CampaignMembers.AnyAsync(m => m.CampaignId == campaign.Id && m.StaffUserId == organiser))
                {
                    db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = organiser, Role = StaffRoles.Organiser });
                }
            }

            return await db.SaveChangesAsync();
        });
        return browser;
    }

    public static List<KeyValuePair<string, string>> Form(string? title, int? hostId, string? body) =>
    [
        new("Input.Title", title ?? ""),
        new("Input.HostId", hostId?.ToString(CultureInfo.InvariantCulture) ?? ""),
        new("Input.Body", body ?? ""),
    ];

    /// <summary>Posts the update form (<paramref name="update"/> is "new" or an id) with a handler: null (save), Preview, Publish or Send.</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient staff, int campaignId, string update, string? handler, IEnumerable<KeyValuePair<string, string>> form) =>
        FormFiller.PostAsync(staff, Path(campaignId, update, handler), form);

    public static string Path(int campaignId, string update, string? handler) =>
        $"/staff/campaigns/{campaignId}/updates/{update}" + (handler is null ? "" : "?handler=" + handler);

    /// <summary>Writes a new update, presses "Publish and email" and confirms on the page that follows; returns its id.</summary>
    public static async Task<int> SendAsync(TestSite site, HttpClient staff, Campaign campaign, int hostId, string title, string body = "Our **news** for you.")
    {
        var response = await PostAsync(staff, campaign.Id, "new", "Send", Form(title, hostId, body));
        var updateId = await site.QueryAsync(db => db.CampaignUpdates.Where(u => u.Title == title).Select(u => u.Id).SingleAsync());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(Path(campaign.Id, updateId.ToString(CultureInfo.InvariantCulture), "Confirm"), response.Headers.Location?.OriginalString);
        var confirmed = await ConfirmSendAsync(staff, campaign.Id, updateId);
        Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        Assert.Equal($"/staff/campaigns/{campaign.Id}/updates", confirmed.Headers.Location?.OriginalString);
        return updateId;
    }

    /// <summary>Opens the page asking to confirm the update's sending and presses its "Yes" button, as a browser would.</summary>
    public static async Task<HttpResponseMessage> ConfirmSendAsync(HttpClient staff, int campaignId, int updateId) =>
        await staff.PostAsync(Path(campaignId, updateId.ToString(CultureInfo.InvariantCulture), "Send"), new FormUrlEncodedContent(await ConfirmationFormAsync(staff, campaignId, updateId)));

    /// <summary>The fields the confirmation page's "Yes" button sends: the stamp of the update it shows and the antiforgery token.</summary>
    public static async Task<List<KeyValuePair<string, string>>> ConfirmationFormAsync(HttpClient staff, int campaignId, int updateId)
    {
        var page = await staff.GetAsync(Path(campaignId, updateId.ToString(CultureInfo.InvariantCulture), "Confirm"));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var stamp = ConfirmationStamp().Match(html);
        Assert.True(stamp.Success, "The page asks for no confirmation.");
        return [new("confirmed", stamp.Groups["stamp"].Value), new("__RequestVerificationToken", FormFiller.AntiforgeryToken(html))];
    }

    /// <summary>
    /// Stores a signature as the signing flow would have left it, encrypted with the campaign's key,
    /// in whatever state a test needs (pending, confirmed, held, set aside by a moderator or a bot check).
    /// </summary>
    public static async Task<Signature> AddSignerAsync(TestSite site, Campaign campaign, string email, IEnumerable<int> hostIds,
        string state = SignatureState.Confirmed, string? heldBecause = null, bool setAside = false, string locale = "en")
    {
        var cipher = await site.Services.GetRequiredService<CampaignKeys>().ForCampaignAsync(campaign.Id);
        var protector = site.Services.GetRequiredService<PersonalDataProtector>();
        var now = site.Clock.GetUtcNow().UtcDateTime;
        return await site.QueryAsync(async db =>
        {
            long? invalidationId = null;
            if (setAside)
            {
                var invalidation = new Invalidation { CampaignId = campaign.Id, Description = "test", InvalidatedBy = "moderator@example.org", InvalidatedAt = now };
                db.Invalidations.Add(invalidation);
                await db.SaveChangesAsync();
                invalidationId = invalidation.Id;
            }

            var signature = new Signature
            {
                CampaignId = campaign.Id,
                NameCiphertext = cipher.Encrypt("Signer " + email.Split('@')[0]),
                EmailCiphertext = cipher.Encrypt(email),
                EmailKey = protector.EmailKey(EmailAddress.Normalise(email)),
                CountryCode = "FR",
                UpdatesFromHostIds = hostIds.ToList(),
                Locale = locale,
                State = state,
                InvalidatedBecause = state == SignatureState.Invalidated ? "honeypot" : null,
                HeldBecause = heldBecause,
                InvalidationId = invalidationId,
                CreatedAt = now,
                ConfirmedAt = state == SignatureState.Confirmed ? now : null,
            };
            db.Signatures.Add(signature);
            await db.SaveChangesAsync();
            return signature;
        });
    }

    /// <summary>The path of the one-click unsubscribe address an update email names in its List-Unsubscribe header.</summary>
    public static string UnsubscribePath(MimeMessage message)
    {
        var match = UnsubscribeHeader().Match(message.Headers["List-Unsubscribe"] ?? "");
        Assert.True(match.Success, $"No List-Unsubscribe header in the email '{message.Subject}'.");
        return match.Groups["path"].Value;
    }

    /// <summary>A figure of the sending progress on a staff page (recipients, sent, queued, failing, waiting, skipped).</summary>
    public static int Figure(string html, string figure)
    {
        var match = Regex.Match(html, $"data-figure=\"{figure}\">(?<value>[0-9]+)<");
        Assert.True(match.Success, $"No figure '{figure}' on the page.");
        return int.Parse(match.Groups["value"].Value, CultureInfo.InvariantCulture);
    }

    [GeneratedRegex("name=\"confirmed\" value=\"(?<stamp>[0-9]+)\"")]
    private static partial Regex ConfirmationStamp();

    [GeneratedRegex(@"^<https://countersign\.test(?<path>/u/[A-Za-z0-9_-]+)>$")]
    private static partial Regex UnsubscribeHeader();
}
