using Countersign.Campaigns;
using Countersign.Email;
using Countersign.Hosting;
using Countersign.Privacy;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Countersign.Pages;

/// <summary>
/// What this site stores about signers, for how long and who sees it, written from the site's own
/// configuration, so the page cannot drift from what the site does.
/// </summary>
public sealed class PrivacyModel(IOptions<SiteOptions> site, IOptions<RetentionOptions> retention, IOptions<CampaignOptions> campaigns, IOptions<SmtpOptions> smtp) : PageModel
{
    public string SiteName => site.Value.Name;

    /// <summary>Who runs the site and how to reach them (GDPR Article 13), as the operator configured them.</summary>
    public SiteOptions.SiteOperator Operator => site.Value.Operator;
    public int PendingDays => retention.Value.PendingDays;
    public int EndedCampaignMonths => retention.Value.EndedCampaignMonths;

    /// <summary>New campaigns gather supporting signatures before review, so a campaign turned down may hold some.</summary>
    public bool HasSponsorStep => campaigns.Value.SponsorSignatures > 0;

    /// <summary>Without a mail server, emails are written to a folder on the server (a test or demo site).</summary>
    public bool SendsThroughMailServer => !string.IsNullOrWhiteSpace(smtp.Value.Host);

    public void OnGet()
    {
    }
}
