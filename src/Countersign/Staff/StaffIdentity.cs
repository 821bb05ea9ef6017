using Countersign.Data;
using Countersign.Hosting;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace Countersign.Staff;

public static class StaffIdentity
{
    /// <summary>
    /// ASP.NET Core Identity for staff accounts (users, roles, EF stores on <see cref="CountersignDb"/>)
    /// and the two cookies of the two-step sign-in (<see cref="StaffSignIn"/>).
    /// </summary>
    public static IServiceCollection AddStaffIdentity(this IServiceCollection services)
    {
        services.AddIdentityCore<StaffUser>(options =>
            {
                options.User.RequireUniqueEmail = true;

                // Email addresses are the user names; they are checked as addresses, not against a character list.
                options.User.AllowedUserNameCharacters = "";

                // Length is what makes a password strong (NIST SP 800-63B); composition rules only make it guessable.
                options.Password.RequiredLength = StaffUser.MinimumPasswordLength;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;

                // No lockout: anyone who knows an address could lock its owner out with a few wrong
                // guesses. Guessing is slowed down per network instead (SignInThrottle).
                options.Lockout.AllowedForNewUsers = false;
            })
            .AddRoles<IdentityRole<int>>()
            .AddEntityFrameworkStores<CountersignDb>();
        services.AddScoped<StaffAccounts>();
        services.AddScoped<StaffInvitations>();
        services.AddScoped<StaffSignIn>();
        services.AddScoped<SignInThrottle>();
        services.AddScoped<StaffAuthenticator>();

        services.AddAuthentication(StaffSignIn.Scheme)
            .AddCookie(StaffSignIn.Scheme, options =>
            {
                ConfigureCookie(options, CountersignApp.StaffCookie);
                options.ExpireTimeSpan = StaffSignIn.IdleTimeout;
                options.SlidingExpiration = true;
                options.Events.OnValidatePrincipal = StaffSignIn.ValidateAsync;
            })
            .AddCookie(StaffSignIn.PendingScheme, options =>
            {
                ConfigureCookie(options, CountersignApp.StaffPendingCookie);
                options.ExpireTimeSpan = StaffSignIn.PendingLifetime;
                options.SlidingExpiration = false;
            });

        // The cookies' expiry is checked on the site's clock, so tests can move it.
        foreach (var scheme in new[] { StaffSignIn.Scheme, StaffSignIn.PendingScheme })
        {
            services.AddOptions<CookieAuthenticationOptions>(scheme).Configure<TimeProvider>((options, clock) => options.TimeProvider = clock);
        }

        return services;
    }

    private static void ConfigureCookie(CookieAuthenticationOptions options, string name)
    {
        options.Cookie.Name = name;
        options.Cookie.HttpOnly = true;
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Cookie.SameSite = SameSiteMode.Strict;
        options.Cookie.Path = "/";
        options.LoginPath = "/staff/login";

        // A path: the handler's own redirect is an absolute address built from the request's Host
        // header, which the client writes, so "Host: evil.example" sent people to evil.example.
        options.Events.OnRedirectToLogin = context =>
        {
            var request = context.Request;
            context.Response.Redirect($"{options.LoginPath}?returnUrl={Uri.EscapeDataString(request.PathBase + request.Path + request.QueryString)}");
            return Task.CompletedTask;
        };

        // A signed-in staff member without the role a page needs gets a plain 403 page.
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
    }
}
