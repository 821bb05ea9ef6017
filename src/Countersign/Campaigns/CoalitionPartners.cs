using System.Globalization;
using System.Security.Claims;
using Countersign.Data;
using Countersign.Hosting;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Countersign.Campaigns;

/// <summary>
/// A campaign's hosts as coalition partners: which of them a member of staff speaks for, their own description and
/// logo, the credit their share links earn, the opt-ins each received and its streamed export, and leaving the
/// coalition. Each change is written to the audit log in the same transaction, and the public page follows at once.
/// </summary>
public sealed class CoalitionPartners(CountersignDb db, CampaignCache cache, CampaignKeys campaignKeys, TimeProvider clock)
{
    /// <summary>The hosts a member of staff may see and act for: all the campaign's (left ones too) for organisers and admins, its own for a partner.</summary>
    public async Task<IReadOnlyList<CampaignHost>> VisibleAsync(int campaignId, ClaimsPrincipal staff, string? role, CancellationToken cancellationToken)
    {
        var hosts = db.CampaignHosts.Where(h => h.CampaignId == campaignId);
        if (role == StaffRoles.Partner)
        {
            var staffId = AuditLog.StaffIdOf(staff);
            hosts = hosts.Where(h => db.CampaignMembers.Any(m => m.CampaignId == campaignId && m.StaffUserId == staffId && m.HostId == h.Id));
        }

        // Current partners first, in the campaign's order, then those that left.
        return await hosts.OrderBy(h => h.LeftAt != null).ThenBy(h => h.Position).ThenBy(h => h.Id).ToListAsync(cancellationToken);
    }

    /// <summary>The partner's one line about itself; empty takes it away.</summary>
    public async Task<PartnerResult> DescribeAsync(CampaignHost host, string? description, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (host.HasLeft)
        {
            return PartnerResult.Left;
        }

        var line = string.Join(' ', (description ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length > CampaignHost.DescriptionMaxLength)
        {
            return PartnerResult.Invalid("Description", "The description can be at most 200 characters.");
        }

        host.Description = line.Length == 0 ? null : line;
        db.Record(by, AuditAction.PartnerDescribed, host.CampaignId, Now, $"{host.Name}: {line}");
        return await SaveAsync(host, cancellationToken);
    }

    /// <summary>
    /// The uploaded picture, drawn anew from its pixels (<see cref="HeaderImageEncoder"/> in <see cref="ImageShape.Logo"/>:
    /// the camera's or the editor's metadata stays behind), in place of the partner's logo, at a new address.
    /// </summary>
    public async Task<PartnerResult> UploadLogoAsync(CampaignHost host, IFormFile? file, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (host.HasLeft)
        {
            return PartnerResult.Left;
        }

        if (file is null)
        {
            return PartnerResult.Invalid("Logo", "Choose a picture to upload.");
        }

        var (problem, encoded) = await HeaderImageEncoder.EncodeAsync(file, MaxLogoBytes, ImageShape.Logo, cancellationToken);
        if (encoded is null)
        {
            return PartnerResult.Invalid("Logo", ExplainLogo(problem));
        }

        // The old file goes in the same transaction as the new one comes: a failure leaves the old logo whole.
        var now = Now;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.HostLogos.Where(l => l.HostId == host.Id).ExecuteDeleteAsync(cancellationToken);
        var logo = new HostLogo { HostId = host.Id, Token = CampaignImage.NewToken(), Bytes = encoded.Files[^1].Bytes, UploadedAt = now };
        db.HostLogos.Add(logo);
        host.LogoToken = logo.Token;
        host.LogoWidth = encoded.Width;
        host.LogoHeight = encoded.Height;
        db.Record(by, AuditAction.PartnerLogoUploaded, host.CampaignId, now, string.Create(CultureInfo.InvariantCulture, $"{host.Name}: {encoded.Width}×{encoded.Height}"));
        return await SaveAsync(host, cancellationToken, transaction);
    }

    /// <summary>A logo is small: a larger file is surely a photo, and 2 MB is plenty for any logo saved as PNG.</summary>
    public const int MaxLogoBytes = 2 * 1024 * 1024;

    /// <summary>What to tell the partner when the file cannot be a logo (untranslated).</summary>
    /// <remarks>Only the limits a logo has of its own are said here; the other problems read as for a header image.</remarks>
    public static string ExplainLogo(HeaderImageProblem problem) => problem switch
    {
        HeaderImageProblem.TooLarge => "The file is larger than 2 MB. Save the logo smaller, or choose another.",
        HeaderImageProblem.TooSmall => "The logo is too small: it needs to be at least 64 pixels wide.",
        HeaderImageProblem.NotAnImage => "This file is not a picture we can read. Upload a PNG, JPEG, WebP or GIF image.",
        _ => CampaignImageInput.Explain(problem),
    };

    public async Task<PartnerResult> RemoveLogoAsync(CampaignHost host, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (host.HasLeft)
        {
            return PartnerResult.Left;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.HostLogos.Where(l => l.HostId == host.Id).ExecuteDeleteAsync(cancellationToken);
        host.LogoToken = null;
        host.LogoWidth = host.LogoHeight = 0;
        db.Record(by, AuditAction.PartnerLogoRemoved, host.CampaignId, Now, host.Name);
        return await SaveAsync(host, cancellationToken, transaction);
    }

    /// <summary>
    /// The partner leaves the coalition: its name and logo leave the campaign's page and JSON, new signers are no longer
    /// asked about it, and its export keeps only the opt-ins given before now (they are its own, under its own privacy
    /// policy, as the signing form said). Its staff keep their access to those. It cannot be undone: a partner that comes
    /// back is a new host, whom nobody has opted in to yet.
    /// </summary>
    public async Task<PartnerResult> LeaveAsync(CampaignHost host, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (host.HasLeft)
        {
            return PartnerResult.Left;
        }

        var now = Now;
        host.Leave(now);
        db.Record(by, AuditAction.PartnerLeft, host.CampaignId, now, host.Name);
        return await SaveAsync(host, cancellationToken);
    }

    /// <summary>
    /// The signers who agreed to hear from the host and can be exported: confirmed, not set aside by a moderator, and who
    /// said yes before the host left (the form no longer offers it afterwards; the date is checked again here so that
    /// nothing written by another path could reach a partner that left).
    /// </summary>
    public IQueryable<Signature> OptedIn(CampaignHost host)
    {
        var leftAt = host.LeftAt;
        return db.Signatures.AsNoTracking().Where(s => s.CampaignId == host.CampaignId && s.State == SignatureState.Confirmed && s.InvalidationId == null
            && s.UpdatesFromHostIds.Contains(host.Id) && (leftAt == null || s.CreatedAt < leftAt));
    }

    /// <summary>Per host, the signatures its own share link brought, how many of them confirmed and count, and the opt-ins it received.</summary>
    public async Task<IReadOnlyDictionary<int, PartnerCredit>> CreditAsync(int campaignId, IReadOnlyList<CampaignHost> hosts, CancellationToken cancellationToken)
    {
        var referred = db.Signatures.AsNoTracking().Where(s => s.CampaignId == campaignId && s.ReferredByHostId != null);
        var brought = await referred.Where(s => s.State != SignatureState.Invalidated)
            .GroupBy(s => s.ReferredByHostId!.Value)
            .Select(g => new { HostId = g.Key, Brought = g.Count(), Confirmed = g.Count(s => s.State == SignatureState.Confirmed) })
            .ToDictionaryAsync(g => g.HostId, cancellationToken);

        // Counted as the campaign's own count is (Signature.Counts), by the rule's one home rather than a copy of it.
        var counted = await referred.Where(Signature.Counts)
            .GroupBy(s => s.ReferredByHostId!.Value)
            .Select(g => new { HostId = g.Key, Counted = g.Count() })
            .ToDictionaryAsync(g => g.HostId, g => g.Counted, cancellationToken);
        var credit = new Dictionary<int, PartnerCredit>();
        foreach (var host in hosts)
        {
            var of = brought.GetValueOrDefault(host.Id);
            credit[host.Id] = new PartnerCredit(of?.Brought ?? 0, of?.Confirmed ?? 0, counted.GetValueOrDefault(host.Id), await OptedIn(host).CountAsync(cancellationToken));
        }

        return credit;
    }

    /// <summary>
    /// Prepares the host's list of opt-in supporters as a CSV written straight to the response, row by row, each
    /// decrypted only as it is written: a list of 100,000 never sits whole in memory, and the browser shows the
    /// download coming as it is written.
    /// </summary>
    /// <remarks>
    /// The audit entry (who, when, how many rows) is committed before the first row leaves, so a download cut short, or
    /// a server that dies mid-way, is in the log all the same; writing it after the last row would miss exactly those.
    /// The count is taken first, of the opt-ins confirmed by now, and the rows are read with the same bound: a signer
    /// confirming during the download is not in it, so the file never holds more rows than the log says. It may hold
    /// fewer, when a signer erases their signature or unsubscribes meanwhile, which is what they asked for.
    /// </remarks>
    public async Task<SupporterExport?> ExportAsync(CampaignHost host, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().Where(c => c.Id == host.CampaignId)
            .Select(c => new { c.Slug, c.PersonalDataErasedAt }).FirstOrDefaultAsync(cancellationToken);
        if (campaign is null || campaign.PersonalDataErasedAt is not null)
        {
            return null;
        }

        var asOf = Now;
        var rows = OptedIn(host).Where(s => s.ConfirmedAt <= asOf);
        var count = await rows.CountAsync(cancellationToken);
        db.Record(by, AuditAction.SupportersExported, host.CampaignId, asOf, string.Create(CultureInfo.InvariantCulture, $"{count} supporters of {host.Name}"));
        await db.SaveChangesAsync(cancellationToken);

        var cipher = await campaignKeys.ForCampaignAsync(host.CampaignId, cancellationToken);
        return new SupporterExport(
            string.Create(CultureInfo.InvariantCulture, $"{campaign.Slug}-supporters-{host.Id}.csv"),
            count,
            async (output, aborted) =>
            {
                await using var csv = SpreadsheetCsv.Create(output);
                await csv.WriteRecordAsync(["name", "email", "postcode", "country", "language", "confirmed_at_utc"], aborted);
                var written = 0;
                await foreach (var row in rows.OrderBy(s => s.ConfirmedAt).ThenBy(s => s.Id)
                    .Select(s => new { s.NameCiphertext, s.EmailCiphertext, s.PostcodeCiphertext, s.CountryCode, s.ConfirmedAt, s.Locale })
                    .AsAsyncEnumerable().WithCancellation(aborted))
                {
                    await csv.WriteRecordAsync(
                    [
                        cipher.DecryptString(row.NameCiphertext),
                        cipher.DecryptString(row.EmailCiphertext),
                        row.PostcodeCiphertext is null ? "" : cipher.DecryptString(row.PostcodeCiphertext),
                        row.CountryCode,
                        row.Locale,
                        row.ConfirmedAt?.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "",
                    ], aborted);

                    // Sent on in chunks, so the browser's download moves as the rows are read rather than at the end.
                    if (++written % FlushEveryRows == 0)
                    {
                        await csv.FlushAsync(aborted);
                        await output.FlushAsync(aborted);
                    }
                }
            });
    }

    private const int FlushEveryRows = 500;

    /// <summary>The file of a current partner's logo by its address's token; null when none has it (a partner that left serves none).</summary>
    public Task<byte[]?> LogoFileAsync(string token, CancellationToken cancellationToken) =>
        token.Length > CampaignImage.TokenMaxLength
            ? Task.FromResult<byte[]?>(null)
            : db.HostLogos.AsNoTracking()
                .Where(l => l.Token == token && db.CampaignHosts.Any(h => h.Id == l.HostId && h.LeftAt == null && h.LogoToken == token))
                .Select(l => l.Bytes).FirstOrDefaultAsync(cancellationToken);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private async Task<PartnerResult> SaveAsync(CampaignHost host, CancellationToken cancellationToken, IDbContextTransaction? transaction = null)
    {
        await db.SaveChangesAsync(cancellationToken);
        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        if (await db.Campaigns.Where(c => c.Id == host.CampaignId).Select(c => c.Slug).FirstOrDefaultAsync(cancellationToken) is { } slug)
        {
            cache.Forget(slug);
        }

        return PartnerResult.Saved;
    }
}

/// <summary>What one partner's share link brought (signatures not caught by a bot check, confirmed, counted) and the opt-ins it received.</summary>
public sealed record PartnerCredit(int Brought, int Confirmed, int Counted, int OptedIn);

/// <summary>A partner's list ready to stream: its file name, its rows as counted for the audit log, and the writer of the CSV.</summary>
public sealed record SupporterExport(string FileName, int Rows, Func<Stream, CancellationToken, Task> WriteAsync);

/// <summary>What came of a change to a partner; <see cref="Problem"/> is untranslated, for the field <see cref="Field"/>.</summary>
public sealed record PartnerResult(PartnerOutcome Outcome, string? Field = null, string? Problem = null)
{
    public static readonly PartnerResult Saved = new(PartnerOutcome.Saved);
    public static readonly PartnerResult Left = new(PartnerOutcome.Left);

    public static PartnerResult Invalid(string field, string problem) => new(PartnerOutcome.Invalid, field, problem);
}

public enum PartnerOutcome
{
    Saved,
    Invalid,

    /// <summary>The host has left the coalition: nothing of it changes any more.</summary>
    Left,
}
