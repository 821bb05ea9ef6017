using System.Buffers.Binary;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using DnsClient;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Letters;

/// <summary>The DNS TXT record an organisation publishes to prove its domain: where, and what it says.</summary>
public sealed record DomainRecord(string Domain, string Name, string Value);

/// <summary>A co-signature as the page that proves its domain shows it: its organisation, where it stands, and the record asked for.</summary>
public sealed record DomainProofSubject(long Id, Campaign Campaign, string Organisation, string State, string Website, DateTime? DnsVerifiedAt, DomainRecord? Record)
{
    /// <summary>Whether a check can prove the domain now: the address is confirmed, the signature neither rejected nor withdrawn, and not proved yet.</summary>
    public bool CanCheck => CoSignatureState.DomainCheckable.Contains(State) && DnsVerifiedAt is null && Record is not null;
}

/// <summary>What a check of the DNS found.</summary>
public enum DomainCheckOutcome
{
    /// <summary>The record is there with the value asked for: the domain is proved, now.</summary>
    Proved,

    /// <summary>The name has no TXT record at all (or does not exist).</summary>
    NoRecord,

    /// <summary>The name has TXT records, none of them with the value asked for.</summary>
    WrongValue,

    /// <summary>The resolver did not answer in time, or answered with an error.</summary>
    LookupFailed,

    /// <summary>Checked too often: the next check waits (<see cref="DomainCheck.Wait"/>).</summary>
    TooSoon,

    /// <summary>Nothing to check: the signature is withdrawn, rejected, unconfirmed or proved already.</summary>
    NotCheckable,
}

/// <summary>A check's outcome, with the TXT values found at the name (public DNS data, shown to help fix a typo) and how long to wait when too soon.</summary>
public sealed record DomainCheck(DomainCheckOutcome Outcome, IReadOnlyList<string> Found, TimeSpan Wait = default);

/// <summary>
/// An organisation proves that it controls the domain of its website with a DNS TXT record: once its contact has
/// confirmed their address, the page behind <see cref="CoSignatureLink.DomainProof"/> asks for <c>countersign-verification=…</c> at
/// <c>_countersign.</c> + the website's registrable domain, and checks it when asked. The value is a keyed hash of the
/// co-signature and the domain, so nobody can publish it for another organisation or before we asked, and it needs no
/// storage. A match is recorded once (<see cref="CoSignature.DnsVerifiedAt"/>), with its audit entry and the email to the
/// contact in the same transaction. Checks are slowed down per co-signature by <see cref="SignInThrottle"/>'s growing
/// waits, so a page cannot be used to make the resolvers query without end.
/// </summary>
public sealed class DomainProof(
    CountersignDb db,
    ILookupClient dns,
    SignInThrottle throttle,
    CampaignKeys campaignKeys,
    CampaignCache campaigns,
    PersonalDataProtector protector,
    CoSignerEmails emails,
    Outbox outbox,
    TimeProvider clock)
{
    /// <summary>The label the record goes under, in the underscore namespace DNS keeps for such records (_dmarc, _acme-challenge).</summary>
    public const string RecordLabel = "_countersign";

    public const string ValuePrefix = "countersign-verification=";

    /// <summary>Checks of one co-signature before each next one waits, 1 s, 2 s, 4 s... up to an hour (see <see cref="SignInThrottle.Wait"/>).</summary>
    public const int FreeChecks = 5;

    /// <summary>TXT values shown back when none matched: enough to spot a typo, not a whole zone's worth.</summary>
    private const int MaxShown = 5;

    private const int MaxShownLength = 120;

    /// <summary>
    /// The record that proves <paramref name="website"/>'s domain for co-signature <paramref name="coSignatureId"/>: under
    /// the registrable domain (www.uni.example.ac.uk → uni.example.ac.uk), in its ASCII form as DNS writes it. Null for a
    /// website whose host is no registrable domain.
    /// </summary>
    public static DomainRecord? RecordFor(PersonalDataProtector protector, long coSignatureId, string website)
    {
        if (!Uri.TryCreate(website, UriKind.Absolute, out var uri) || uri.HostNameType != UriHostNameType.Dns)
        {
            return null;
        }

        string domain;
        try
        {
            domain = new IdnMapping().GetAscii(RegistrableDomains.Of(uri.IdnHost));
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (!domain.Contains('.', StringComparison.Ordinal))
        {
            return null;
        }

        var named = new byte[sizeof(long) + Encoding.ASCII.GetByteCount(domain)];
        BinaryPrimitives.WriteInt64BigEndian(named, coSignatureId);
        Encoding.ASCII.GetBytes(domain, named.AsSpan(sizeof(long)));
        var value = Convert.ToHexStringLower(protector.KeyedHash("domain-proof", named).AsSpan(0, 16));
        return new DomainRecord(domain, $"{RecordLabel}.{domain}", ValuePrefix + value);
    }

    /// <summary>The co-signature the link <paramref name="token"/> names, or null for a link we did not issue (or whose signature is gone).</summary>
    public async Task<DomainProofSubject?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var id = CoSignatureLink.DomainProof.Read(protector, token);
        var signature = id is null ? null : await db.CoSignatures.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken);
        var campaign = signature is null ? null : await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == signature.CampaignId, cancellationToken);
        return signature is null || campaign is null
            ? null
            : new DomainProofSubject(signature.Id, campaign, signature.Name, signature.State, signature.Website, signature.DnsVerifiedAt, RecordFor(protector, signature.Id, signature.Website));
    }

    /// <summary>
    /// Looks the record up for the co-signature the link names, and records the proof when it is there. Null for a link
    /// we did not issue; otherwise the co-signature as it stands after the check, and what the check found.
    /// </summary>
    public async Task<(DomainProofSubject Subject, DomainCheck Check)?> CheckAsync(string token, CancellationToken cancellationToken)
    {
        if (await FindAsync(token, cancellationToken) is not { } subject)
        {
            return null;
        }

        if (!subject.CanCheck)
        {
            return (subject, new DomainCheck(DomainCheckOutcome.NotCheckable, []));
        }

        var bucket = new SignInThrottle.Bucket(
            protector.KeyedHash("domain-proof-checks", Encoding.ASCII.GetBytes(subject.Id.ToString(CultureInfo.InvariantCulture))).AsSpan(0, NetworkAddresses.HashSize).ToArray(),
            FreeChecks);
        if (await throttle.TryAttemptAsync([bucket], cancellationToken) is { } tooSoon)
        {
            return (subject, new DomainCheck(DomainCheckOutcome.TooSoon, [], tooSoon.Wait));
        }

        var record = subject.Record!;
        var (outcome, found) = await LookUpAsync(record, cancellationToken);
        if (outcome != DomainCheckOutcome.Proved)
        {
            return (subject, new DomainCheck(outcome, found));
        }

        await throttle.SucceededAsync([bucket], cancellationToken);
        return await RecordProofAsync(subject, cancellationToken) is { } provedAt
            ? (subject with { DnsVerifiedAt = provedAt }, new DomainCheck(DomainCheckOutcome.Proved, []))
            : ((await FindAsync(token, cancellationToken))!, new DomainCheck(DomainCheckOutcome.NotCheckable, []));
    }

    /// <summary>The TXT values at the record's name, each record's strings joined as one value (how long values are split into 255-byte strings).</summary>
    private async Task<(DomainCheckOutcome Outcome, IReadOnlyList<string> Found)> LookUpAsync(DomainRecord record, CancellationToken cancellationToken)
    {
        IDnsQueryResponse response;
        try
        {
            response = await dns.QueryAsync(record.Name, QueryType.TXT, QueryClass.IN, cancellationToken);
        }
        catch (DnsResponseException)
        {
            // No resolver answered in time (DnsClient's timeouts and network errors are these).
            return (DomainCheckOutcome.LookupFailed, []);
        }
        catch (SocketException)
        {
            return (DomainCheckOutcome.LookupFailed, []);
        }

        if (response.HasError && response.Header.ResponseCode != DnsHeaderResponseCode.NotExistentDomain)
        {
            return (DomainCheckOutcome.LookupFailed, []);
        }

        // Every TXT record in the answer is the name's own, or its alias's when the domain points the name elsewhere
        // with a CNAME (as some do for such records): either way, the domain's owner put it there.
        var values = response.Answers.TxtRecords().Select(txt => string.Concat(txt.Text).Trim()).ToList();
        if (values.Contains(record.Value, StringComparer.Ordinal))
        {
            return (DomainCheckOutcome.Proved, []);
        }

        var shown = values.Take(MaxShown).Select(v => v.Length > MaxShownLength ? v[..MaxShownLength] + "…" : v).ToList();
        return (values.Count == 0 ? DomainCheckOutcome.NoRecord : DomainCheckOutcome.WrongValue, shown);
    }

    /// <summary>
    /// Sets <see cref="CoSignature.DnsVerifiedAt"/> if nothing changed meanwhile (withdrawn, rejected, or proved by a check
    /// a moment earlier), with the audit entry and the contact's email; returns when, or null when it changed.
    /// </summary>
    private async Task<DateTime?> RecordProofAsync(DomainProofSubject subject, CancellationToken cancellationToken)
    {
        var signature = await db.CoSignatures.AsNoTracking().FirstAsync(s => s.Id == subject.Id, cancellationToken);

        // Decrypted before the transaction: on SQLite a key made now would wait for the transaction's own write lock.
        var contact = CoSignerContact.Of(signature, await campaignKeys.ForCampaignAsync(signature.CampaignId, cancellationToken));
        var now = clock.GetUtcNow().UtcDateTime;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var proved = await db.CoSignatures.Where(s => s.Id == subject.Id && s.DnsVerifiedAt == null && CoSignatureState.DomainCheckable.Contains(s.State))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.DnsVerifiedAt, now), cancellationToken);
        if (proved == 0)
        {
            return null;
        }

        db.Record(staff: null, AuditAction.CoSignatureDomainProved, subject.Campaign.Id, now,
            string.Create(CultureInfo.InvariantCulture, $"Co-signature {subject.Id}: its domain is proved by its DNS record"));
        if (contact.CanBeEmailed)
        {
            outbox.Add(db, CoSignerEmails.DomainProvedKind, emails.DomainProved(subject.Campaign, contact, subject.Organisation, subject.Record!.Name));
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        campaigns.Forget(subject.Campaign.Slug);
        outbox.WakeSender();
        return now;
    }
}
