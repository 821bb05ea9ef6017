using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Localisation;
using Countersign.Signing;
using Countersign.Staff;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace Countersign.Pages.Staff;

/// <summary>
/// A campaign's team: its organisers give other staff accounts the organiser or partner role in it,
/// invite people who have no staff account yet by email, and take roles back.
/// </summary>
[CampaignRole(StaffRoles.Organiser)]
public sealed class MembersModel(CountersignDb db, StaffInvitations invitations, Outbox outbox, TimeProvider clock, IStringLocalizer<SharedResource> t) : PageModel
{
    public sealed record Member(int StaffUserId, string Email, string Role, string? Host, bool MilestoneEmails);

    public Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<Member> Members { get; private set; } = [];
    public IReadOnlyList<StaffInvitation> Invitations { get; private set; } = [];

    [BindProperty]
    public MemberInput Input { get; set; } = new();

    [TempData]
    public string? Done { get; set; }

    public string? Refusal { get; private set; }

    /// <summary>The person reading, when they organise this campaign and so may choose its milestone emails.</summary>
    public Member? ReaderAsOrganiser => Members.FirstOrDefault(m => m.StaffUserId == AuditLog.StaffIdOf(User) && m.Role == StaffRoles.Organiser);

    public sealed class MemberInput
    {
        public string? Email { get; set; }
        public string? Role { get; set; } = StaffRoles.Partner;
        public int? HostId { get; set; }
    }

    public async Task<IActionResult> OnGetAsync(int id, CancellationToken cancellationToken) =>
        await LoadAsync(id, cancellationToken) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAddAsync(int id, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        ModelState.Clear();
        var email = Input.Email?.Trim().ToLowerInvariant() ?? "";
        var staff = email.Length == 0 ? null : await db.StaffUsers.AsNoTracking().FirstOrDefaultAsync(u => u.Email == email, cancellationToken);
        if (staff is null && !EmailAddress.IsValid(email))
        {
            Problem(nameof(MemberInput.Email), t["Enter an email address like name@example.org."]);
        }
        else if (staff is null && await invitations.IsWaitingAsync(email, id, cancellationToken))
        {
            Problem(nameof(MemberInput.Email), t["An invitation to this address is already waiting. Withdraw it first to send a new one."]);
        }

        if (!StaffRoles.InCampaign.Contains(Input.Role ?? ""))
        {
            Problem(nameof(MemberInput.Role), t["Choose organiser or partner."]);
        }
        else if (Input.Role == StaffRoles.Partner && !Campaign.Hosts.Any(h => h.Id == Input.HostId))
        {
            Problem(nameof(MemberInput.HostId), t["Choose the host organisation this partner speaks for."]);
        }

        if (staff is not null && Members.Any(m => m.StaffUserId == staff.Id))
        {
            Problem(nameof(MemberInput.Email), t["This person is already in the team. Remove them first to change their role."]);
        }

        if (!ModelState.IsValid)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var hostId = Input.Role == StaffRoles.Partner ? Input.HostId : null;
        if (staff is null)
        {
            invitations.Invite(User, email, [], id, Campaign.Title, Input.Role!, hostId);
            await db.SaveChangesAsync(cancellationToken);
            outbox.WakeSender();
            Done = t.Plural("{0} has no staff account yet: we emailed them an invitation to join the team. It works for {1, plural, one {# day} other {# days}}.", email, (int)StaffInvitation.ValidFor.TotalDays);
            return RedirectToPage(new { id });
        }

        db.CampaignMembers.Add(new CampaignMember { CampaignId = id, StaffUserId = staff.Id, Role = Input.Role!, HostId = hostId, AddedAt = now, AddedBy = AuditLog.StaffIdOf(User) });
        db.Record(User, AuditAction.RoleGranted, id, now, $"{Input.Role} to {email}" + (hostId is null ? "" : $" for {Campaign.Hosts.Single(h => h.Id == hostId).Name}"));
        await db.SaveChangesAsync(cancellationToken);
        Done = t["{0} is now in the team.", email];
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostRemoveAsync(int id, int staffUserId, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var member = Members.FirstOrDefault(m => m.StaffUserId == staffUserId);
        if (member is null)
        {
            return NotFound();
        }

        if (member.Role == StaffRoles.Organiser && Members.Count(m => m.Role == StaffRoles.Organiser) == 1)
        {
            Refusal = t["A campaign keeps at least one organiser. Add another organiser before removing this one."];
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }

        var now = clock.GetUtcNow().UtcDateTime;
        await db.CampaignMembers.Where(m => m.CampaignId == id && m.StaffUserId == staffUserId).ExecuteDeleteAsync(cancellationToken);
        db.Record(User, AuditAction.RoleRevoked, id, now, $"{member.Role} from {member.Email}");
        await db.SaveChangesAsync(cancellationToken);
        Done = t["{0} is no longer in the team.", member.Email];
        return RedirectToPage(new { id });
    }

    public async Task<IActionResult> OnPostWithdrawAsync(int id, int invitationId, CancellationToken cancellationToken)
    {
        var withdrawn = await invitations.WithdrawAsync(User, invitationId, id, cancellationToken);
        if (withdrawn is null)
        {
            return NotFound();
        }

        Done = t["The invitation to {0} is withdrawn: its link no longer works.", withdrawn];
        return RedirectToPage(new { id });
    }

    /// <summary>The reader's own choice: whether they hear by email when this campaign passes a milestone.</summary>
    public async Task<IActionResult> OnPostMilestoneEmailsAsync(int id, bool milestoneEmails, CancellationToken cancellationToken)
    {
        if (!await LoadAsync(id, cancellationToken))
        {
            return NotFound();
        }

        var staffId = AuditLog.StaffIdOf(User);
        var changed = await db.CampaignMembers.Where(m => m.CampaignId == id && m.StaffUserId == staffId && m.Role == StaffRoles.Organiser)
            .ExecuteUpdateAsync(m => m.SetProperty(x => x.MilestoneEmails, milestoneEmails), cancellationToken);
        if (changed == 0)
        {
            Refusal = t["Milestone emails go to the campaign's own organisers: you are not one of them."];
            Response.StatusCode = StatusCodes.Status409Conflict;
            return Page();
        }

        Done = milestoneEmails
            ? t["You will get an email when this campaign passes a milestone."]
            : t["You will no longer get an email when this campaign passes a milestone; the milestones still go on its timeline."];
        return RedirectToPage(new { id });
    }

    private void Problem(string field, string message) => ModelState.AddModelError($"{nameof(Input)}.{field}", message);

    private async Task<bool> LoadAsync(int id, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Hosts.Where(h => h.LeftAt == null).OrderBy(h => h.Position)).FirstOrDefaultAsync(c => c.Id == id, cancellationToken);
        if (campaign is null)
        {
            return false;
        }

        Campaign = campaign;
        Members = await (
            from member in db.CampaignMembers.AsNoTracking()
            where member.CampaignId == id
            join staff in db.StaffUsers on member.StaffUserId equals staff.Id
            join host in db.CampaignHosts on member.HostId equals host.Id into hosts
            from host in hosts.DefaultIfEmpty()
            orderby member.Role, staff.Email
            select new Member(staff.Id, staff.Email ?? "", member.Role, host == null ? null : host.Name, member.MilestoneEmails))
            .ToListAsync(cancellationToken);
        Invitations = await invitations.WaitingAsync(id, cancellationToken);
        return true;
    }
}
