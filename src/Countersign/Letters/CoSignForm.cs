using System.Globalization;
using Countersign.Campaigns;
using Countersign.Signing;

namespace Countersign.Letters;

/// <summary>What a person types into a letter's co-signing form for their organisation, kept as typed so the form can come back with it.</summary>
public sealed class CoSignForm
{
    /// <summary>The honeypot's form field (see <see cref="BotChecks"/>): hidden from people, so it stays empty.</summary>
    public const string HoneypotField = "CoSign.Address";

    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Members { get; set; }
    public string? Kind { get; set; }
    public string? Country { get; set; }
    public string? Website { get; set; }

    /// <summary>The id of an organisation already on the letter that this one belongs to, or empty.</summary>
    public string? Parent { get; set; }
    public string? ContactName { get; set; }
    public string? ContactRole { get; set; }
    public string? ContactEmail { get; set; }

    /// <summary>The contact's statement that they are entitled to sign on the organisation's behalf.</summary>
    public bool Entitled { get; set; }

    /// <summary>The honeypot (see <see cref="HoneypotField"/>).</summary>
    public string? Address { get; set; }

    /// <summary>The sealed time the form was handed out (see <see cref="BotChecks"/>).</summary>
    public string? Started { get; set; }

    public string TrimmedName => OneLine(Name);
    public string TrimmedDescription => OneLine(Description);
    public string TrimmedWebsite => (Website ?? "").Trim();
    public string TrimmedContactName => OneLine(ContactName);
    public string TrimmedContactRole => OneLine(ContactRole);
    public string TrimmedContactEmail => (ContactEmail ?? "").Trim();
    public string CountryCode => (Country ?? "").Trim().ToUpperInvariant();

    /// <summary>The member count typed, without the separators people type ("6,000", "6 000"); null when left empty.</summary>
    public int? ParsedMembers => int.TryParse(MembersDigits, NumberStyles.None, CultureInfo.InvariantCulture, out var members) ? members : null;

    public long? ParsedParent => long.TryParse(Parent, NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ? parent : null;

    private string MembersDigits => new((Members ?? "").Where(c => !char.IsWhiteSpace(c) && c is not (',' or '.' or '\'' or '_' or '\u202F' or '\u00A0')).ToArray());

    /// <summary>Problems by form field, as untranslated messages (the page translates them).</summary>
    /// <param name="parents">The organisations already on the letter, which the form offers as parents.</param>
    public Dictionary<string, string> Validate(IReadOnlyCollection<long> parents)
    {
        var problems = new Dictionary<string, string>();
        Line(problems, nameof(Name), TrimmedName, CoSignature.NameMaxLength, "Enter the organisation's name.", "The name must be 200 characters or fewer.");
        Line(problems, nameof(Description), TrimmedDescription, CoSignature.DescriptionMaxLength,
            "Say in one line whom the organisation represents.", "The description must be 200 characters or fewer.");
        if (MembersDigits.Length > 0 && ParsedMembers is not (> 0 and <= CoSignature.MaxMembers))
        {
            problems[nameof(Members)] = "Enter the number of members as a whole number, or leave it empty.";
        }

        if (!OrganisationKind.All.Contains(Kind))
        {
            problems[nameof(Kind)] = "Choose what kind of organisation it is.";
        }

        if (!Countries.Exists(CountryCode))
        {
            problems[nameof(Country)] = "Choose the organisation's country.";
        }

        if (!IsWebsite(TrimmedWebsite))
        {
            problems[nameof(Website)] = "Enter the organisation's website, like https://example.org.";
        }

        if (!string.IsNullOrWhiteSpace(Parent) && (ParsedParent is not { } parent || !parents.Contains(parent)))
        {
            problems[nameof(Parent)] = "Choose the parent organisation from the list, or none.";
        }

        PersonalDetails.CheckName(problems, nameof(ContactName), TrimmedContactName);
        Line(problems, nameof(ContactRole), TrimmedContactRole, CoSignature.RoleMaxLength,
            "Enter your role in the organisation.", "Your role must be 120 characters or fewer.");
        if (PersonalDetails.CheckEmail(problems, nameof(ContactEmail), TrimmedContactEmail) && DisposableEmailDomains.IsDisposable(TrimmedContactEmail))
        {
            problems[nameof(ContactEmail)] = "This address is from a disposable email service. Use your address at the organisation, so the signature can be confirmed.";
        }

        if (!Entitled)
        {
            problems[nameof(Entitled)] = "Confirm that you are entitled to sign on the organisation's behalf.";
        }

        return problems;
    }

    /// <summary>
    /// Whether the contact's address is at the organisation's own domain: the registrable domains of the address and of
    /// the website are the same (mail.uni.example.ac.uk and www.uni.example.ac.uk are both uni.example.ac.uk).
    /// </summary>
    public bool EmailMatchesWebsite()
    {
        var emailDomain = RegistrableDomains.Of(TrimmedContactEmail[(TrimmedContactEmail.LastIndexOf('@') + 1)..]);
        var websiteDomain = Uri.TryCreate(TrimmedWebsite, UriKind.Absolute, out var website) ? RegistrableDomains.Of(website.IdnHost) : "";
        return emailDomain.Contains('.', StringComparison.Ordinal) && emailDomain == websiteDomain;
    }

    private static bool IsWebsite(string text) =>
        text.Length <= CoSignature.WebsiteMaxLength
        && Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"
        && uri.IdnHost.Contains('.', StringComparison.Ordinal) && uri.HostNameType == UriHostNameType.Dns && uri.UserInfo.Length == 0;

    private static void Line(Dictionary<string, string> problems, string field, string value, int maxLength, string missing, string tooLong)
    {
        if (value.Length == 0)
        {
            problems[field] = missing;
        }
        else if (value.Length > maxLength)
        {
            problems[field] = tooLong;
        }
        else if (value.Any(char.IsControl) || value.Contains('\uFFFD', StringComparison.Ordinal))
        {
            problems[field] = "This text contains characters we cannot store.";
        }
    }

    /// <summary>One line, as the letter shows it: line breaks a pasted text brought become spaces.</summary>
    private static string OneLine(string? text) => string.Join(' ', (text ?? "").Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Trim();
}
