using System.Reflection;
using Countersign.Data;
using Countersign.Hosting;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Staff;

/// <summary>
/// Marks a staff page about one campaign (its id in the route) as open only to members of that
/// campaign in the given roles, besides admins (and moderators, where said). Every handler of such
/// a page takes the campaign's id as a parameter named <c>id</c>: that is the id the filter checks.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CampaignRoleAttribute(params string[] roles) : Attribute
{
    public IReadOnlyList<string> Roles { get; } = roles;
    public bool Moderators { get; init; }

    /// <summary>The page also answers at <c>…/new</c>, for a campaign not made yet, which belongs to whoever drafts it.</summary>
    public bool AllowsNew { get; init; }
}

/// <summary>
/// Enforces <see cref="CampaignRoleAttribute"/> before any handler runs, so no page can forget the
/// check in one of its handlers. Anyone else gets 403, whether or not the campaign exists.
/// </summary>
/// <remarks>
/// It fails closed: the handler runs only when the filter has read the campaign's id, in the one
/// spelling the site writes (<see cref="CanonicalId"/>), both in the address and in the argument
/// the handler is about to receive, and found them equal. Model binding reads a form field named
/// <c>id</c> before the route, so checking the address alone would let a member of one campaign post
/// to its pages with another campaign's id in the form.
/// </remarks>
public sealed class CampaignRoleFilter(CountersignDb db) : IAsyncPageFilter
{
    public const string RoleItem = "countersign.campaign-role";

    /// <summary>The handler's parameter that carries the campaign's id.</summary>
    public const string IdParameter = "id";

    /// <summary>The route value that drafts a new campaign, on pages that allow it.</summary>
    public const string NewCampaign = "new";

    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var required = context.HandlerInstance.GetType().GetCustomAttribute<CampaignRoleAttribute>();
        if (required is null)
        {
            await next();
            return;
        }

        var routeId = context.RouteData.Values[IdParameter] as string;
        var boundId = context.HandlerArguments.TryGetValue(IdParameter, out var bound) ? bound : null;
        if (required.AllowsNew && routeId == NewCampaign && boundId as string == NewCampaign)
        {
            await next();
            return;
        }

        if (!CanonicalId.TryParse(routeId, out int campaignId) || !IsSameCampaign(boundId, routeId!, campaignId))
        {
            context.Result = new ForbidResult();
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

    /// <summary>Whether the handler will receive the very campaign the address names (and nothing, or another, is refused).</summary>
    private static bool IsSameCampaign(object? boundId, string routeId, int campaignId) => boundId switch
    {
        int number => number == campaignId,
        string text => text == routeId,
        _ => false,
    };

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
