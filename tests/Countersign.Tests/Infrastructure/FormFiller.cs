using System.Net;
using System.Text.RegularExpressions;
using Countersign.Signing;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// Fills in and posts the site's forms as a browser does after loading their page: the antiforgery
/// token, the signing and comment forms' stamps, and a solved proof of work.
/// </summary>
public static partial class FormFiller
{
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return AntiforgeryToken(await response.Content.ReadAsStringAsync());
    }

    public static string AntiforgeryToken(string html)
    {
        var match = AntiforgeryField().Match(html);
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups["token"].Value);
    }

    /// <summary>The signing form's sealed stamp of when it was handed out (see BotChecks).</summary>
    public static string FormStamp(string html)
    {
        var match = FormStampField().Match(html);
        Assert.True(match.Success, "The page has no form stamp.");
        return WebUtility.HtmlDecode(match.Groups["stamp"].Value);
    }

    /// <summary>
    /// Posts a form the way a browser does after loading the page it is on (see <see cref="CompleteAsync"/>).
    /// </summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> fields) =>
        await client.PostAsync(path, new FormUrlEncodedContent(await CompleteAsync(client, path, fields)));

    /// <summary>
    /// Loads the page at <paramref name="path"/> and adds to the fields what a browser would send
    /// with its form: the antiforgery token and, on the signing form, its stamp and a solved proof
    /// of work (unless the fields carry their own). For tests that prepare forms to send at once.
    /// </summary>
    public static async Task<List<KeyValuePair<string, string>>> CompleteAsync(HttpClient client, string path, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        var form = fields.Append(new("__RequestVerificationToken", AntiforgeryToken(html))).ToList();
        if (FormStampField().IsMatch(html) && !form.Any(field => field.Key == "Input.Started"))
        {
            form.Add(new("Input.Started", FormStamp(html)));
        }

        // The comment form and a letter's co-signing form carry their own stamps.
        foreach (Match stamp in OwnStampField().Matches(html))
        {
            var prefix = stamp.Groups["form"].Value + ".";
            if (form.Any(field => field.Key.StartsWith(prefix, StringComparison.Ordinal)) && !form.Any(field => field.Key == prefix + "Started"))
            {
                form.Add(new(prefix + "Started", WebUtility.HtmlDecode(stamp.Groups["stamp"].Value)));
            }
        }

        // Each form's widget fetches challenges for that form only: the comment form's from its own path.
        var commenting = form.Any(field => field.Key.StartsWith("Comment.", StringComparison.Ordinal));
        var widget = ProofOfWorkWidget().Matches(html).FirstOrDefault(w => w.Groups["path"].Value.EndsWith("/comments/altcha", StringComparison.Ordinal) == commenting);
        if (widget is not null && !form.Any(field => field.Key == ProofOfWork.FormField))
        {
            form.Add(new(ProofOfWork.FormField, await ProofOfWorkSolver.FetchAndSolveAsync(client, widget.Groups["path"].Value)));
        }

        return form;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    [GeneratedRegex("name=\"Input.Started\" value=\"(?<stamp>[^\"]+)\"")]
    private static partial Regex FormStampField();

    [GeneratedRegex("name=\"(?<form>Comment|CoSign).Started\" value=\"(?<stamp>[^\"]+)\"")]
    private static partial Regex OwnStampField();

    [GeneratedRegex("<altcha-widget challenge=\"(?<path>[^\"]+)\"")]
    private static partial Regex ProofOfWorkWidget();
}
