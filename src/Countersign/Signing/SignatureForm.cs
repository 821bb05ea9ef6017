using Countersign.Campaigns;

namespace Countersign.Signing;

/// <summary>
/// What a person types into the signing form, kept as typed so the form can be shown again with
/// their values. Consents are explicit yes/no choices: silence is never taken for consent.
/// </summary>
public sealed class SignatureForm
{
    public const string Yes = "yes";
    public const string No = "no";

    public string? Name { get; set; }
    public string? Email { get; set; }
    public string? Country { get; set; }
    public string? Postcode { get; set; }
    public string? ShowName { get; set; }
    public Dictionary<int, string> HostUpdates { get; set; } = [];

    /// <summary>The honeypot (see <see cref="BotChecks"/>): hidden from people, so it stays empty.</summary>
    public string? Website { get; set; }

    /// <summary>The sealed time the form was handed out (see <see cref="BotChecks"/>).</summary>
    public string? Started { get; set; }

    /// <summary>The share channel or partner link the page was opened from (<c>?via=</c>), carried in a hidden field; see <see cref="Referral"/>.</summary>
    public string? Via { get; set; }

    public string TrimmedName => (Name ?? "").Trim();
    public string TrimmedEmail => (Email ?? "").Trim();
    public string CountryCode => (Country ?? "").Trim().ToUpperInvariant();
    public string? TrimmedPostcode => string.IsNullOrWhiteSpace(Postcode) ? null : Postcode.Trim().ToUpperInvariant();

    /// <summary>
    /// The hosts the signer said yes to, among those the form offered: a host that left the coalition is offered no longer,
    /// so a post naming it (an old page, a forged form) gives it nothing.
    /// </summary>
    public IEnumerable<int> HostsToHearFrom(Campaign campaign) =>
        campaign.Hosts.Where(h => !h.HasLeft && HostUpdates.GetValueOrDefault(h.Id) == Yes).Select(h => h.Id);

    /// <summary>Problems by form field, as untranslated messages (the page translates them).</summary>
    public Dictionary<string, string> Validate(Campaign campaign)
    {
        var problems = new Dictionary<string, string>();
        PersonalDetails.CheckName(problems, nameof(Name), TrimmedName);
        if (PersonalDetails.CheckEmail(problems, nameof(Email), TrimmedEmail) && DisposableEmailDomains.IsDisposable(TrimmedEmail))
        {
            problems[nameof(Email)] = "This address is from a disposable email service. Use an address you will keep, so your signature can be confirmed and counted.";
        }

        if (!Countries.Exists(CountryCode))
        {
            problems[nameof(Country)] = "Choose your country from the list.";
        }

        if (TrimmedPostcode is { } postcode
            && (postcode.Length > Signature.PostcodeMaxLength || !postcode.All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-')))
        {
            problems[nameof(Postcode)] = "A postcode has at most 16 letters, digits, spaces or hyphens.";
        }

        if (ShowName is not (Yes or No))
        {
            problems[nameof(ShowName)] = "Choose whether your first name and initial may be shown with the latest signers.";
        }

        foreach (var host in campaign.Hosts.Where(h => !h.HasLeft))
        {
            if (HostUpdates.GetValueOrDefault(host.Id) is not (Yes or No))
            {
                problems[$"{nameof(HostUpdates)}[{host.Id}]"] = "Choose whether this organisation may email you updates.";
            }
        }

        return problems;
    }
}
