using System.Globalization;
using System.Reflection;
using Countersign.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Staff;

/// <summary>
/// Marks a staff page about one campaign (its id in the route) as open only to members of that
/// campaign in the given roles, besides admins (and moderators, where said).
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CampaignRoleAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;
    public bool Moderators { get; init; }
}

/// <summary>
/// Enforces <see cref="CampaignRoleAttribute"/> before any handler runs, so no page can forget the
/// check in one of its handlers. Anyone else gets 403, whether or not the campaign exists.
/// </summary>
public sealed class CampaignRoleFilter(CountersignDb db) : IAsyncPageFilter
{
    public const string RoleItem = "countersign.campaign-role";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var required = context.HandlerInstance.GetType().GetCustomAttribute<CampaignRoleAttribute>();
        if (required is null
            || !int.TryParse(context.RouteData.Values["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture, out var campaignId))
        {
            // Not a page about one existing campaign ("new" campaigns belong to whoever makes them).
            await next();
            return;
        }

        var role = await RoleInAsync(db, context.HttpContext.User, campaignId, context.HttpContext.RequestAborted);
        if (role is StaffRoles.Admin || (role is StaffRoles.Moderator && required.Moderators) || (role is not null && required.Roles.Contains(role)))
        {
            context.HttpContext.Items[RoleItem] = role;
            await next();
            return;
        }

        context.Result = new ForbidResult();
    }

    /// <summary>
    /// What the member of staff is to the campaign: admin, then their role in it if any, then moderator.
    /// </summary>
    public static async Task<string?> RoleInAsync(CountersignDb db, System.Security.Claims.ClaimsPrincipal staff, int campaignId, CancellationToken cancellationToken)
    {
        if (staff.IsInRole(StaffRoles.Admin))
        {
            return StaffRoles.Admin;
        }

        var staffId = AuditLog.StaffIdOf(staff);
        var role = staffId is null ? null : await db.CampaignMembers.Where(m => m.CampaignId == campaignId && m.StaffUserId == staffId)
            .Select(m => m.Role).FirstOrDefaultAsync(cancellationToken);
        return role ?? (staff.IsInRole(StaffRoles.Moderator) ? StaffRoles.Moderator : null);
    }
}
