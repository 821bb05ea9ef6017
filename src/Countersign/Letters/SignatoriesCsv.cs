using System.Globalization;
using Countersign.Hosting;

namespace Countersign.Letters;

/// <summary>
/// The organisers' spreadsheet of a letter's signatories: every organisation whose contact confirmed their address, in
/// whatever state it is now, with what it says of itself, its marks, the version it signed and its private contact.
/// Written row by row onto the stream it is given, so the download starts at once however long the list.
/// </summary>
public static class SignatoriesCsv
{
    public static readonly IReadOnlyList<string> Header =
    [
        "id", "state", "name", "description", "members", "kind", "country", "website", "parent", "domain_verified",
        "letter_version", "signed_current_text", "contact_name", "contact_role", "contact_email",
        "confirmed_at_utc", "decided_at_utc", "rejection_reason", "withdrawn_at_utc",
    ];

    public static async Task WriteAsync(Stream output, IEnumerable<StaffCoSignature> signatories, CancellationToken cancellationToken)
    {
        await using var csv = SpreadsheetCsv.Create(output);
        await csv.WriteRecordAsync(Header.ToArray(), cancellationToken);
        foreach (var signatory in signatories)
        {
            await csv.WriteRecordAsync(
            [
                signatory.Id.ToString(CultureInfo.InvariantCulture), signatory.State, signatory.Name, signatory.Description,
                signatory.Members?.ToString(CultureInfo.InvariantCulture) ?? "", signatory.Kind, signatory.CountryCode, signatory.Website,
                signatory.ParentName ?? "", YesNo(signatory.DomainVerified),
                signatory.LetterVersion.ToString(CultureInfo.InvariantCulture), YesNo(signatory.SignedCurrentText),
                signatory.ContactName, signatory.ContactRole, signatory.ContactEmail,
                Time(signatory.ConfirmedAt), Time(signatory.DecidedAt), signatory.RejectionReason ?? "", Time(signatory.WithdrawnAt),
            ], cancellationToken);
        }
    }

    private static string YesNo(bool value) => value ? "yes" : "no";

    private static string Time(DateTime? time) => time?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "";
}
