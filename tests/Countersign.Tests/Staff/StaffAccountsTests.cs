using System.Net;
using System.Security.Claims;
using Countersign.Data;
using Countersign.Staff;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Staff;

/// <summary>
/// Admins disable, enable and remove staff accounts: a disabled account's sessions end at once and
/// it cannot sign in; nobody takes out their own account or the last admin; no campaign loses its
/// last organiser. Runs on SQLite and on PostgreSQL.
/// </summary>
public abstract class StaffAccountsTests(DatabaseProvider provider) : IAsyncLifetime
{
    private const string Admin = "admin@example.org";
    private const string Moderator = "moderator@example.org";
    private TestSite _site = null!;

    public async Task InitializeAsync() => _site = await TestSite.StartAsync(provider);

    public async Task DisposeAsync() => await _site.DisposeAsync();

    [Fact]
    public async Task Should_end_the_sessions_of_a_disabled_account_refuse_its_sign_in_and_enable_it_again()
    {
        var admin = await _site.Staff.SignedInAsync(Admin, StaffRoles.Admin);
        var moderator = await _site.Staff.SignedInAsync(Moderator, StaffRoles.Moderator);
        var id = await IdOfAsync(Moderator);

        // An invitation the moderator sent, as an organiser of a campaign, is still waiting.
        var campaign = await _site.AddCampaignAsync();
        await _site.QueryAsync(db =>
        {
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = id, Role = StaffRoles.Organiser });
            return db.SaveChangesAsync();
        });
        var invited = await FormFiller.PostAsync(moderator, $"/staff/campaigns/{campaign.Id}/members?handler=Add", [new("Input.Email", "volunteer@example.org"), new("Input.Role", StaffRoles.Partner), new("Input.HostId", campaign.Hosts[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
        Assert.Equal(HttpStatusCode.Redirect, invited.StatusCode);
        Assert.Equal(1, await _site.QueryAsync(db => db.StaffInvitations.CountAsync()));

        Assert.Contains($"href=\"/staff/users/{id}\"", await admin.GetStringAsync("/staff/users"), StringComparison.Ordinal);
        var page = WebUtility.HtmlDecode(await admin.GetStringAsync($"/staff/users/{id}"));
        Assert.Contains("A disabled account cannot sign in", page, StringComparison.Ordinal);

        var disabled = await FormFiller.PostAsync(admin, $"/staff/users/{id}?handler=Disable", []);
        Assert.Equal($"/staff/users/{id}", disabled.Headers.Location?.OriginalString);
        var after = WebUtility.HtmlDecode(await admin.GetStringAsync($"/staff/users/{id}"));
        Assert.Contains($"{Moderator} is disabled: it can no longer sign in, and its sessions have ended.", after, StringComparison.Ordinal);
        Assert.Contains("Invitations it had sent that were still waiting are withdrawn: 1.", after, StringComparison.Ordinal);
        Assert.Contains("Enable this account", after, StringComparison.Ordinal);
        Assert.Equal(0, await _site.QueryAsync(db => db.StaffInvitations.CountAsync()));

        // The open session ends at once; the right password is told the account is disabled, a wrong one learns nothing.
        Assert.Equal(HttpStatusCode.Redirect, (await moderator.GetAsync("/staff")).StatusCode);
        var refused = await PasswordAsync(Moderator, TestStaff.Password);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("This account is disabled.", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var wrong = await PasswordAsync(Moderator, "not the password!");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.DoesNotContain("disabled", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var again = await FormFiller.PostAsync(admin, $"/staff/users/{id}?handler=Disable", []);
        Assert.Contains("This account is already disabled.", WebUtility.HtmlDecode(await admin.GetStringAsync(again.Headers.Location!.OriginalString)), StringComparison.Ordinal);

        var enabled = await FormFiller.PostAsync(admin, $"/staff/users/{id}?handler=Enable", []);
        Assert.Equal($"/staff/users/{id}", enabled.Headers.Location?.OriginalString);
        await _site.Staff.SignInAsync(moderator, Moderator);
        Assert.Equal(HttpStatusCode.OK, (await moderator.GetAsync("/staff/reviews")).StatusCode);

        var adminId = await IdOfAsync(Admin);
        var audit = await _site.QueryAsync(db => db.AuditEntries.Where(e => e.Action.StartsWith("staff.")).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditAction.StaffInvited, AuditAction.StaffDisabled, AuditAction.StaffEnabled], audit.Select(e => e.Action));
        Assert.All(audit.Skip(1), entry => Assert.Equal(adminId, entry.StaffUserId));
        Assert.StartsWith(Moderator, audit[1].Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_to_disable_or_remove_your_own_account_or_the_last_admin()
    {
        var admin = await _site.Staff.SignedInAsync(Admin, StaffRoles.Admin);
        var adminId = await IdOfAsync(Admin);
        var own = WebUtility.HtmlDecode(await admin.GetStringAsync($"/staff/users/{adminId}"));
        Assert.Contains("This is your own account", own, StringComparison.Ordinal);
        Assert.DoesNotContain("Disable this account", own, StringComparison.Ordinal);
        foreach (var handler in new[] { "Disable", "Remove" })
        {
            var refused = await FormFiller.PostAsync(admin, $"/staff/users/{adminId}?handler={handler}", [new("ConfirmEmail", Admin)]);
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("You cannot disable or remove your own account", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        }

        // From the command line there is nobody acting, so the last admin is what stops it.
        Assert.Equal(StaffAccounts.Refusal.LastAdmin, (await AccountsAsync(accounts => accounts.DisableAsync(adminId, null, default))).Refused);
        Assert.Equal(StaffAccounts.Refusal.LastAdmin, (await AccountsAsync(accounts => accounts.RemoveAsync(adminId, null, default))).Refused);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/staff/users")).StatusCode);
        var token = FormFiller.AntiforgeryToken(await admin.GetStringAsync("/staff/users"));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/staff/users/999999?handler=Disable", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]))).StatusCode);
    }

    [Fact]
    public async Task Should_leave_one_admin_when_two_disable_each_other_at_once()
    {
        await _site.Staff.AddAsync(Admin, StaffRoles.Admin);
        await _site.Staff.AddAsync("second.admin@example.org", StaffRoles.Admin);
        var (first, second) = (await IdOfAsync(Admin), await IdOfAsync("second.admin@example.org"));

        var changes = await Task.WhenAll(
            AccountsAsync(accounts => accounts.DisableAsync(second, As(first), default)),
            AccountsAsync(accounts => accounts.DisableAsync(first, As(second), default)));

        Assert.Single(changes, change => change.Refused == StaffAccounts.Refusal.None);
        Assert.Single(changes, change => change.Refused == StaffAccounts.Refusal.NotAllowed);
        Assert.Equal(1, await _site.QueryAsync(db => db.StaffUsers.CountAsync(u => u.DisabledAt == null)));
    }

    [Fact]
    public async Task Should_refuse_to_remove_the_only_organiser_of_a_campaign_and_remove_an_account_with_its_roles()
    {
        var admin = await _site.Staff.SignedInAsync(Admin, StaffRoles.Admin);
        var organiser = await _site.Staff.SignedInAsync("organiser@example.org");
        var id = await IdOfAsync("organiser@example.org");
        var campaign = await _site.AddCampaignAsync();
        await _site.QueryAsync(db =>
        {
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = id, Role = StaffRoles.Organiser });
            return db.SaveChangesAsync();
        });

        Assert.Contains("is the only organiser of: Stop the cameras at the station.", WebUtility.HtmlDecode(await admin.GetStringAsync($"/staff/users/{id}")), StringComparison.Ordinal);
        var refused = await FormFiller.PostAsync(admin, $"/staff/users/{id}?handler=Remove", [new("ConfirmEmail", "organiser@example.org")]);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("organiser@example.org is the only organiser of: Stop the cameras at the station. Add another organiser", WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await organiser.GetAsync("/staff")).StatusCode);

        await _site.Staff.AddAsync("co.organiser@example.org");
        var coOrganiser = await IdOfAsync("co.organiser@example.org");
        await _site.QueryAsync(db =>
        {
            db.CampaignMembers.Add(new CampaignMember { CampaignId = campaign.Id, StaffUserId = coOrganiser, Role = StaffRoles.Organiser });
            return db.SaveChangesAsync();
        });
        // Removing cannot be undone: the address must be typed, and another one is not enough.
        foreach (var typed in new[] { "", "co.organiser@example.org" })
        {
            var unconfirmed = await FormFiller.PostAsync(admin, $"/staff/users/{id}?handler=Remove", [new("ConfirmEmail", typed)]);
            Assert.Equal(HttpStatusCode.UnprocessableEntity, unconfirmed.StatusCode);
            Assert.Contains("Type the account's email address to confirm that it is the one to remove.", WebUtility.HtmlDecode(await unconfirmed.Content.ReadAsStringAsync()), StringComparison.Ordinal);
            Assert.True(await _site.QueryAsync(db => db.StaffUsers.AnyAsync(u => u.Id == id)));
        }

        var removed = await FormFiller.PostAsync(admin, $"/staff/users/{id}?handler=Remove", [new("ConfirmEmail", " Organiser@Example.org ")]);
        Assert.Equal("/staff/users", removed.Headers.Location?.OriginalString);
        var list = WebUtility.HtmlDecode(await admin.GetStringAsync("/staff/users"));
        Assert.Contains("organiser@example.org is removed. The audit log keeps its entries.", list, StringComparison.Ordinal);
        Assert.DoesNotContain($"href=\"/staff/users/{id}\"", list, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Redirect, (await organiser.GetAsync("/staff")).StatusCode);
        Assert.False(await _site.QueryAsync(db => db.StaffUsers.AnyAsync(u => u.Id == id)));
        Assert.Equal([coOrganiser], await _site.QueryAsync(db => db.CampaignMembers.Where(m => m.CampaignId == campaign.Id).Select(m => m.StaffUserId).ToListAsync()));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/staff/users/{id}")).StatusCode);
        Assert.Equal(1, await _site.QueryAsync(db => db.AuditEntries.CountAsync(e => e.Action == AuditAction.StaffRemoved && e.Details!.StartsWith("organiser@example.org"))));
    }

    [Fact]
    public async Task Should_reset_an_accounts_password_and_authenticator_and_end_its_sessions()
    {
        var moderator = await _site.Staff.SignedInAsync(Moderator, StaffRoles.Moderator);
        var id = await IdOfAsync(Moderator);
        Assert.True(await _site.QueryAsync(db => db.StaffRecoveryCodes.AnyAsync(c => c.UserId == id)));

        var reset = await AccountsAsync(accounts => accounts.ResetAsync(id, password: true, authenticator: true, default));
        Assert.Equal((StaffAccounts.Refusal.None, Moderator), (reset.Refused, reset.Email));
        Assert.Equal(HttpStatusCode.Redirect, (await moderator.GetAsync("/staff")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PasswordAsync(Moderator, TestStaff.Password)).StatusCode);
        var signIn = await PasswordAsync(Moderator, reset.Password!);
        Assert.StartsWith("/staff/login/enrol", signIn.Headers.Location?.OriginalString, StringComparison.Ordinal);
        Assert.False(await _site.QueryAsync(db => db.StaffRecoveryCodes.AnyAsync(c => c.UserId == id)));
        Assert.False(await _site.QueryAsync(db => db.StaffUsers.Where(u => u.Id == id).Select(u => u.TwoFactorEnabled || u.AuthenticatorKey != null).SingleAsync()));
        var audit = await _site.QueryAsync(db => db.AuditEntries.SingleAsync(e => e.Action == AuditAction.StaffReset));
        Assert.Equal((null, $"{Moderator}: new password and authenticator app, every session ended, from the command line"), (audit.StaffUserId, audit.Details));

        Assert.Equal(StaffAccounts.Refusal.NotFound, (await AccountsAsync(accounts => accounts.ResetAsync(id + 1000, password: true, authenticator: false, default))).Refused);
    }

    [Fact]
    public async Task Should_make_the_demo_account_an_admin_and_give_it_a_new_password_at_each_start()
    {
        await using var scope = _site.Services.CreateAsyncScope();
        var accounts = scope.ServiceProvider.GetRequiredService<StaffAccounts>();
        var first = await accounts.RenewDemoAccountAsync(Countersign.Campaigns.DemoData.DemoStaffEmail, default);
        Assert.Equal(HttpStatusCode.Redirect, (await PasswordAsync(Countersign.Campaigns.DemoData.DemoStaffEmail, first)).StatusCode);

        var second = await accounts.RenewDemoAccountAsync(Countersign.Campaigns.DemoData.DemoStaffEmail, default);
        Assert.NotEqual(first, second);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PasswordAsync(Countersign.Campaigns.DemoData.DemoStaffEmail, first)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await PasswordAsync(Countersign.Campaigns.DemoData.DemoStaffEmail, second)).StatusCode);
        var id = await IdOfAsync(Countersign.Campaigns.DemoData.DemoStaffEmail);
        Assert.True(await _site.QueryAsync(db => db.UserRoles.AnyAsync(r => r.UserId == id && r.RoleId == StaffRoles.AdminId)));
    }

    private Task<HttpResponseMessage> PasswordAsync(string email, string password) =>
        FormFiller.PostAsync(_site.Browser(), "/staff/login", [new("Email", email), new("Password", password)]);

    private Task<int> IdOfAsync(string email) => _site.QueryAsync(db => db.StaffUsers.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());

    private static ClaimsPrincipal As(int staffId) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, staffId.ToString(System.Globalization.CultureInfo.InvariantCulture))], StaffSignIn.Scheme));

    private async Task<StaffAccounts.AccountChange> AccountsAsync(Func<StaffAccounts, Task<StaffAccounts.AccountChange>> change)
    {
        await using var scope = _site.Services.CreateAsyncScope();
        return await change(scope.ServiceProvider.GetRequiredService<StaffAccounts>());
    }
}

public sealed class StaffAccountsOnSqlite() : StaffAccountsTests(DatabaseProvider.Sqlite);

public sealed class StaffAccountsOnPostgres() : StaffAccountsTests(DatabaseProvider.Postgres);
