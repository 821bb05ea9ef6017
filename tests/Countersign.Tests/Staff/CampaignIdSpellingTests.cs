using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Letters;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Countersign.Updates;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace Countersign.Tests.Staff;

/// <summary>
/// The security review's attack, on every staff page about one campaign: a member of staff with no
/// role in a campaign, and the organiser of another campaign, ask for its pages and post each of
/// their forms with the campaign's id spelled every way a parser might still read as that id, or
/// with the id slipped into the form or the query. Nothing answers 2xx, and nothing changes in the
/// database or the outbox.
/// </summary>
public abstract partial class CampaignIdSpellingTests(DatabaseProvider provider, ITestOutputHelper output) : IAsyncLifetime
{
    private TestSite Site { get; set; } = null!;

    public async Task InitializeAsync() => Site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await Site.DisposeAsync();

    private const string TargetTitle = "Divest from the camera maker";

    [Fact]
    public async Task Should_refuse_another_campaigns_pages_and_forms_whatever_the_spelling_of_its_id()
    {
        var target = await Site.AddCampaignAsync("divest-from-the-camera-maker");
        var own = await Site.AddCampaignAsync("own-campaign");
        var admin = await Site.Staff.SignedInAsync("admin@example.org", StaffRoles.Admin);
        var visitors = new Dictionary<string, HttpClient>
        {
            ["a member of staff with no role"] = await Site.Staff.SignedInAsync("no.role@example.org"),
            ["the organiser of another campaign"] = await Site.Staff.SignedInAsync("other.organiser@example.org"),
        };
        var updateId = await SeedAsync(target, own);

        var campaignPages = (await PageRoutes.AllAsync(Site.Services))
            .Where(page => page.Template.StartsWith("staff/campaigns/{id", StringComparison.Ordinal))
            .ToList();
        Assert.Contains(campaignPages, page => page.Template.EndsWith("/supporters", StringComparison.Ordinal));
        Assert.Contains(campaignPages, page => page.Template.EndsWith("/members", StringComparison.Ordinal));
        Assert.Contains(campaignPages, page => page.Template.Contains("/updates/", StringComparison.Ordinal));

        // What the pages' forms send, as the campaign's real staff see them: each attack posts a form
        // that would do something if the visitor were allowed to.
        var forms = new Dictionary<(string Template, string? Handler), List<KeyValuePair<string, string>>>();
        foreach (var page in campaignPages)
        {
            var html = await admin.GetStringAsync("/" + Path(page.Template, target.Id.ToString(CultureInfo.InvariantCulture), updateId));
            foreach (var (handler, fields) in Forms(html))
            {
                forms.TryAdd((page.Template, handler), fields);
            }
        }

        Assert.Contains(forms.Keys, key => key.Handler == "Export");
        Assert.Contains(forms.Keys, key => key.Handler == "Add");
        Assert.Contains(forms.Keys, key => key.Handler == "Remove" && key.Template.EndsWith("/image", StringComparison.Ordinal));

        var tokens = new Dictionary<string, string>();
        foreach (var (who, browser) in visitors)
        {
            tokens[who] = FormFiller.AntiforgeryToken(await browser.GetStringAsync("/staff/campaigns/new"));
        }

        var before = await DatabaseSnapshot.TakeAsync(Site);
        var outboxBefore = OutboxFiles();
        var answered = new List<string>();
        var requests = 0;
        foreach (var (who, browser) in visitors)
        {
            foreach (var page in campaignPages)
            {
                var attempts = Spellings(target.Id).Select(spelling => (Route: spelling, Slipped: (string?)null))
                    .Append((Route: own.Id.ToString(CultureInfo.InvariantCulture), Slipped: target.Id.ToString(CultureInfo.InvariantCulture)));
                foreach (var (route, slipped) in attempts)
                {
                    var path = "/" + Path(page.Template, route, updateId);
                    var query = slipped is null ? "" : $"id={slipped}&";
                    if (slipped is null)
                    {
                        requests++;
                        var shown = await browser.GetAsync(path);
                        if (shown.IsSuccessStatusCode)
                        {
                            answered.Add($"{who}: GET {path} answered {(int)shown.StatusCode}");
                        }
                    }
                    else
                    {
                        // The visitor's own campaign may show, but never the other one.
                        requests++;
                        var shown = await browser.GetAsync($"{path}?{query}");
                        if (shown.IsSuccessStatusCode && WebUtility.HtmlDecode(await shown.Content.ReadAsStringAsync()).Contains(TargetTitle, StringComparison.Ordinal))
                        {
                            answered.Add($"{who}: GET {path}?{query} showed the other campaign");
                        }
                    }

                    foreach (var handler in page.Handlers.Where(h => h.Method == HttpMethods.Post).Select(h => h.Name))
                    {
                        var fields = new List<KeyValuePair<string, string>>(forms.GetValueOrDefault((page.Template, handler)) ?? [])
                        {
                            new("__RequestVerificationToken", tokens[who]),
                        };
                        if (slipped is not null)
                        {
                            fields.Add(new("id", slipped));
                        }

                        var address = $"{path}?{query}{(handler is null ? "" : $"handler={handler}")}";
                        requests++;
                        var posted = await browser.PostAsync(address, new FormUrlEncodedContent(fields));
                        if ((int)posted.StatusCode is < 400 or >= 500)
                        {
                            answered.Add($"{who}: POST {address} answered {(int)posted.StatusCode}");
                        }
                    }
                }
            }
        }

        output.WriteLine($"{requests} requests on {campaignPages.Count} pages");
        Assert.Empty(answered);
        Assert.Empty(DatabaseSnapshot.Changed(before, await DatabaseSnapshot.TakeAsync(Site)));
        Assert.Equal(outboxBefore, OutboxFiles());
    }

    [Fact]
    public async Task Should_still_open_the_campaigns_pages_to_its_own_organiser_at_the_ids_the_site_writes()
    {
        var target = await Site.AddCampaignAsync("divest-from-the-camera-maker");
        var own = await Site.AddCampaignAsync("own-campaign");
        var updateId = await SeedAsync(target, own);
        var organiser = await Site.Staff.SignedInAsync("other.organiser@example.org");
        var pages = (await PageRoutes.AllAsync(Site.Services)).Where(page => page.Template.StartsWith("staff/campaigns/{id", StringComparison.Ordinal)
            && !page.Template.EndsWith("/trends", StringComparison.Ordinal) && !page.Template.Contains("/updates/", StringComparison.Ordinal));
        foreach (var page in pages)
        {
            var path = "/" + Path(page.Template, own.Id.ToString(CultureInfo.InvariantCulture), updateId);
            Assert.Equal(HttpStatusCode.OK, (await organiser.GetAsync(path)).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await organiser.GetAsync("/staff/campaigns/new")).StatusCode);
    }

    /// <summary>
    /// Ways to write <paramref name="id"/> that a lenient parser might still read as it (and one that is
    /// it). Not "%00": the in-memory test server cannot carry a null in a path; Kestrel answers it with
    /// 400 before the app sees it (the fuzz test sends such paths to Kestrel).
    /// </summary>
    private static IEnumerable<string> Spellings(int id)
    {
        var digits = id.ToString(CultureInfo.InvariantCulture);
        var fullWidth = string.Concat(digits.Select(d => (char)('\uFF10' + (d - '0'))));
        var arabicIndic = string.Concat(digits.Select(d => (char)('\u0660' + (d - '0'))));
        return
        [
            digits, $"+{digits}", $"0{digits}", $"000{digits}", $"+0{digits}", $"-0{digits}", $"%2B{digits}", $"%2b{digits}",
            $"%20{digits}", $"{digits}%20", $"%09{digits}", $"{digits}%0A", $"%30{digits}",
            string.Concat(Encoding.ASCII.GetBytes(digits).Select(b => $"%{b:X2}")),
            $"{digits}.0", $"{digits},0", $"{digits}e0", $"{digits}.", $"{digits};", $"{digits}%3B", $"{digits}_", $"({digits})",
            $"0x{id:x}", fullWidth, arabicIndic,
            Uri.EscapeDataString(fullWidth), (4294967296L + id).ToString(CultureInfo.InvariantCulture),
            (18446744073709551616m + id).ToString(CultureInfo.InvariantCulture), new string('9', 40), $"{digits}%2F", $"{digits}%2Fsupporters",
        ];
    }

    /// <summary>The route template with its parameters filled in (the update's id for <c>{update}</c>).</summary>
    private static string Path(string template, string id, long updateId) => RouteParameter().Replace(template, match => match.Groups["name"].Value switch
    {
        "id" => id,
        "update" => updateId.ToString(CultureInfo.InvariantCulture),
        var other => throw new InvalidOperationException($"No value for the route parameter {other} of {template}."),
    });

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();

    /// <summary>Each POST form on the page by its handler (from its action), with the values it would send.</summary>
    private static IEnumerable<(string? Handler, List<KeyValuePair<string, string>> Fields)> Forms(string html)
    {
        var document = new HtmlParser().ParseDocument(html);
        foreach (var form in document.Forms.Where(f => string.Equals(f.Method, "post", StringComparison.OrdinalIgnoreCase)))
        {
            var action = form.GetAttribute("action") ?? "";
            var handler = System.Web.HttpUtility.ParseQueryString(action.Contains('?', StringComparison.Ordinal) ? action[action.IndexOf('?', StringComparison.Ordinal)..] : "")["handler"];
            var fields = new List<KeyValuePair<string, string>>();
            foreach (var element in form.Elements)
            {
                var name = element.GetAttribute("name");
                if (string.IsNullOrEmpty(name) || name == "__RequestVerificationToken")
                {
                    continue;
                }

                var value = element switch
                {
                    IHtmlInputElement { Type: "checkbox" or "radio", IsChecked: false } => null,
                    IHtmlInputElement input => input.Value,
                    IHtmlTextAreaElement textArea => textArea.Value,
                    IHtmlSelectElement select => select.Value ?? (select.Options.Length > 0 ? select.Options[0]?.Value : null),
                    IHtmlButtonElement button => fields.Any(f => f.Key == name) ? null : button.Value,
                    _ => null,
                };
                if (value is not null)
                {
                    fields.Add(new(name, Filled(name, value)));
                }
            }

            yield return (handler, fields);
        }
    }

    /// <summary>An empty field gets what the attacker would type: their own address to join a team, a reason, some text.</summary>
    private static string Filled(string name, string value) => value.Length > 0 ? value : name switch
    {
        _ when name.EndsWith("Email", StringComparison.Ordinal) => "other.organiser@example.org",
        _ when name.EndsWith("Day", StringComparison.Ordinal) || name.EndsWith("On", StringComparison.Ordinal) => "2026-11-01",
        _ => "Changed by someone who may not",
    };

    /// <summary>
    /// Gives the target campaign something behind every form (a draft update, comments, co-signatures of its letter, a
    /// timeline entry, a header image, a partner, a confirmed signer) and makes the other organiser the organiser of their own
    /// campaign. Returns the draft update's id.
    /// </summary>
    private async Task<long> SeedAsync(Campaign target, Campaign own)
    {
        await Site.Staff.AddAsync("other.organiser@example.org");
        await Site.Staff.AddAsync("partner@example.org");
        await Site.AddCommentAsync(target.Id, CommentState.Waiting);
        await Site.AddCommentAsync(target.Id, CommentState.Published);
        await TestSignatories.AddAsync(Site, target, CoSignatureState.Verified);
        await TestSignatories.AddAsync(Site, target, CoSignatureState.Approved, "Academy of Sciences");
        var now = Site.Clock.GetUtcNow().UtcDateTime;
        return await Site.QueryAsync(async db =>
        {
            await db.Campaigns.Where(c => c.Id == target.Id).ExecuteUpdateAsync(c => c.SetProperty(x => x.Title, TargetTitle));
            var ids = await db.StaffUsers.ToDictionaryAsync(u => u.Email!, u => u.Id);
            db.CampaignMembers.AddRange(
                new CampaignMember { CampaignId = own.Id, StaffUserId = ids["other.organiser@example.org"], Role = StaffRoles.Organiser },
                new CampaignMember { CampaignId = target.Id, StaffUserId = ids["partner@example.org"], Role = StaffRoles.Partner, HostId = target.Hosts[0].Id });
            db.CampaignEvents.Add(new CampaignEvent { CampaignId = target.Id, Kind = CampaignEventKind.News, Day = DateOnly.FromDateTime(now), Text = "The fund answered.", CreatedAt = now });
            db.CampaignImages.Add(new CampaignImage
            {
                CampaignId = target.Id, Token = CampaignImage.NewToken(), Alt = "A banner", Width = 480, Height = 270, UploadedAt = now,
                Files = [new CampaignImageFile { Width = 480, Height = 270, Bytes = TestPictures.Halves(480, 270, SkiaSharp.SKEncodedImageFormat.Webp) }],
            });
            var update = new CampaignUpdate { CampaignId = target.Id, HostId = target.Hosts[0].Id, HostName = target.Hosts[0].Name, Title = "We met the fund", BodyMarkdown = "It listened.", CreatedAt = now, UpdatedAt = now };
            db.CampaignUpdates.Add(update);
            await db.SaveChangesAsync();
            return (long)update.Id;
        });
    }

    private List<string> OutboxFiles()
    {
        var folder = System.IO.Path.Combine(Site.DataFolder, "outbox");
        return Directory.Exists(folder) ? Directory.GetFiles(folder).Order(StringComparer.Ordinal).ToList() : [];
    }
}

public sealed class CampaignIdSpellingOnSqlite(ITestOutputHelper output) : CampaignIdSpellingTests(DatabaseProvider.Sqlite, output);

public sealed class CampaignIdSpellingOnPostgres(ITestOutputHelper output) : CampaignIdSpellingTests(DatabaseProvider.Postgres, output);
