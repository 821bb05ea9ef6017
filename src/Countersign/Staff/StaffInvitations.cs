using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Countersign.Data;
using Countersign.Email;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Staff;

/// <summary>Sending, finding and accepting invitations.</summary>
public sealed class StaffInvitations(CountersignDb db, StaffAccounts accounts, StaffEmails emails, Outbox outbox, TimeProvider clock)
{
    /// <summary>
    /// Adds an invitation and its email to <paramref name="db"/>'s unit of work, with an audit entry;
    /// the caller saves, then wakes the outbox. Returns the link's token (the tests read it from the email).
    /// </summary>
    public string Invite(ClaimsPrincipal inviter, string email, IReadOnlyCollection<string> globalRoles, int? campaignId, string? campaignTitle, string? campaignRole, int? hostId)
    {
        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow().UtcDateTime;
        db.StaffInvitations.Add(new StaffInvitation
        {
            Email = email,
            TokenHash = StaffInvitation.HashOf(token),
            GlobalRoles = string.Join(',', globalRoles),
            CampaignId = campaignId,
            CampaignRole = campaignRole,
            HostId = hostId,
            InvitedBy = AuditLog.StaffIdOf(inviter),
            CreatedAt = now,
            ExpiresAt = now + StaffInvitation.ValidFor,
        });
        var what = campaignRole ?? (globalRoles.Count == 0 ? "no role" : string.Join(", ", globalRoles));
        db.Record(inviter, AuditAction.StaffInvited, campaignId, now, $"{what} to {email}");
        outbox.Add(db, StaffEmails.InvitationKind, emails.Invitation(email, token, campaignTitle, campaignRole ?? globalRoles.FirstOrDefault()));
        return token;
    }

    /// <summary>Invitations not yet accepted (expired ones too, until withdrawn) for a campaign's team, or, with null, to the staff at large.</summary>
    public async Task<IReadOnlyList<StaffInvitation>> WaitingAsync(int? campaignId, CancellationToken cancellationToken) =>
        await db.StaffInvitations.AsNoTracking()
            .Where(i => i.AcceptedAt == null && i.CampaignId == campaignId)
            .OrderBy(i => i.Email).ThenBy(i => i.Id)
            .ToListAsync(cancellationToken);

    /// <summary>Whether an open invitation to the address is waiting, for this campaign (or the staff at large, with null).</summary>
    public Task<bool> IsWaitingAsync(string email, int? campaignId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        return db.StaffInvitations.AnyAsync(i => i.Email == email && i.CampaignId == campaignId && i.AcceptedAt == null && i.ExpiresAt > now, cancellationToken);
    }

    /// <summary>Deletes an invitation not yet accepted, with an audit entry; returns its address, or null if there is none such.</summary>
    public async Task<string?> WithdrawAsync(ClaimsPrincipal staff, int invitationId, int? campaignId, CancellationToken cancellationToken)
    {
        var invitation = await db.StaffInvitations.FirstOrDefaultAsync(i => i.Id == invitationId && i.CampaignId == campaignId && i.AcceptedAt == null, cancellationToken);
        if (invitation is null)
        {
            return null;
        }

        db.StaffInvitations.Remove(invitation);
        db.Record(staff, AuditAction.InvitationWithdrawn, campaignId, clock.GetUtcNow().UtcDateTime, $"to {invitation.Email}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Withdrawn a moment ago by someone else.
            return null;
        }

        return invitation.Email;
    }

    /// <summary>The invitation a link's token stands for, whatever its state, or null.</summary>
    public Task<StaffInvitation?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var hash = StaffInvitation.HashOf(token);
        return db.StaffInvitations.AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
    }

    /// <summary>Whether an invitation can still be accepted now.</summary>
    public bool IsOpen(StaffInvitation invitation) => invitation.AcceptedAt is null && invitation.ExpiresAt > clock.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Creates the invited account with <paramref name="password"/> and gives it the roles of every
    /// open invitation to the same address, in one transaction. Returns the account, or a message
    /// saying why not (the invitation stays open then), or neither if it was used or expired meanwhile.
    /// </summary>
    public async Task<Acceptance> AcceptAsync(StaffInvitation invitation, string password, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var execution = db.Database.CreateExecutionStrategy();
        return await execution.ExecuteAsync(async () =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

            // Claimed by one conditional UPDATE: a second click, in another tab or on another server, finds it taken.
            var claimed = await db.StaffInvitations
                .Where(i => i.Email == invitation.Email && i.AcceptedAt == null && i.ExpiresAt > now)
                .ToListAsync(cancellationToken);
            var taken = await db.StaffInvitations
                .Where(i => i.Id == invitation.Id && i.AcceptedAt == null && i.ExpiresAt > now)
                .ExecuteUpdateAsync(i => i.SetProperty(x => x.AcceptedAt, now), cancellationToken);
            if (taken == 0)
            {
                return new Acceptance(null, null);
            }

            var roles = claimed.SelectMany(i => i.Roles).Distinct(StringComparer.Ordinal).ToList();
            var problem = await accounts.AddAsync(invitation.Email, password, roles, cancellationToken);
            if (problem is not null)
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
                return new Acceptance(null, problem);
            }

            var user = await db.StaffUsers.SingleAsync(u => u.Email == invitation.Email, cancellationToken);
            foreach (var grant in claimed.Where(i => i.CampaignId is not null && i.CampaignRole is not null).DistinctBy(i => i.CampaignId))
            {
                db.CampaignMembers.Add(new CampaignMember
                {
                    CampaignId = grant.CampaignId!.Value,
                    StaffUserId = user.Id,
                    Role = grant.CampaignRole!,
                    HostId = grant.HostId,
                    AddedAt = now,
                    AddedBy = grant.InvitedBy,
                });
            }

            foreach (var other in claimed.Where(i => i.Id != invitation.Id))
            {
                other.AcceptedAt = now;
            }

            db.AuditEntries.Add(new AuditEntry
            {
                At = now,
                StaffUserId = user.Id,
                Action = AuditAction.InvitationAccepted,
                CampaignId = invitation.CampaignId,
                Details = string.Create(CultureInfo.InvariantCulture, $"{invitation.Email}, {claimed.Count} invitation(s)"),
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return new Acceptance(user, null);
        });
    }
}

/// <summary>What accepting gave: the new account, or a problem with the password, or neither when the invitation was used or expired meanwhile.</summary>
public sealed record Acceptance(StaffUser? User, string? Problem);
