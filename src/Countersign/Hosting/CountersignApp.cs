using System.Globalization;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Data;
using Countersign.Email;
using Countersign.Letters;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Updates;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ApplicationModels;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

namespace Countersign.Hosting;

/// <summary>How the web app is put together: services first, then the request pipeline.</summary>
public static class CountersignApp
{
    public static readonly string[] Languages = ["en", "fr"];

    /// <summary>
    /// The culture that writes a language's dates and numbers. The site's English is British, and
    /// .NET's "en" is American ("12/2/2026 5:01 PM" for 2 December), so English takes en-GB's.
    /// </summary>
    public static CultureInfo FormatsOf(string language) => CultureInfo.GetCultureInfo(language == "en" ? "en-GB" : language);

    /// <summary>Largest form the site accepts; the signing form is a few hundred bytes.</summary>
    public const int MaxFormBytes = 64 * 1024;

    // With the __Host- prefix browsers keep a cookie only if it is Secure, for the whole site
    // (Path=/) and set by this very host (no Domain): neither a page on plain http nor a sibling
    // subdomain can plant or overwrite one, e.g. to fix a staff session or an antiforgery token.
    public const string StaffCookie = "__Host-countersign-staff";

    /// <summary>Between the password and the second factor: opens nothing but that step, for five minutes.</summary>
    public const string StaffPendingCookie = "__Host-countersign-staff-pending";
    public const string AntiforgeryCookie = "__Host-countersign-antiforgery";
    public const string TempDataCookie = "__Host-countersign-tempdata";

    /// <param name="contentRoot">Where wwwroot is; the CLI passes the executable's folder, test hosts pass their own.</param>
    public static WebApplication Build(string[] args, IDictionary<string, string?>? settings = null, string? contentRoot = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = contentRoot });
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.AddCountersign();
        var app = builder.Build();
        app.UseCountersign();
        return app;
    }

    /// <summary>
    /// Log levels unless configured otherwise: the framework's and libraries' warnings and errors,
    /// and Countersign's own events (the default level, Information), so the console of a new site
    /// shows what matters rather than a few lines per request. "Now listening on" stays; with demo
    /// data, <see cref="DemoSignIn"/> writes it, just above the sign-in box (the logger writes from
    /// a queue of its own, so its line could come after the box).
    /// </summary>
    private static Dictionary<string, string?> QuietLogging(bool demo) => new()
    {
        ["Logging:LogLevel:Microsoft"] = nameof(LogLevel.Warning),
        ["Logging:LogLevel:System"] = nameof(LogLevel.Warning),
        ["Logging:LogLevel:Npgsql"] = nameof(LogLevel.Warning),
        ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = demo ? nameof(LogLevel.Warning) : nameof(LogLevel.Information),
    };

    /// <summary>
    /// Serve wwwroot as the build left it. From a build's output (what <c>dotnet run</c> and the built executable
    /// serve, as opposed to a published one), ASP.NET Core checks at each request whether a file changed since the
    /// build, as during development. The build's manifest keeps a file's date to the second and the file system to
    /// the nanosecond, so every file looks changed: each is then re-sent without its long cache lifetime, and a
    /// compressed one is re-compressed with gzip however the browser asked for it, so a browser asking for brotli
    /// gets a body it cannot read and the page has no stylesheet. <c>ReloadStaticAssetsAtRuntime=true</c> turns the
    /// check back on (while editing wwwroot with the site running).
    /// </summary>
    private static Dictionary<string, string?> StaticAssetsAsBuilt() => new()
    {
        ["ReloadStaticAssetsAtRuntime"] = "false",
    };

    public static WebApplicationBuilder AddCountersign(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var demo = builder.Configuration.GetValue<bool>("Demo:Load");

        // First of the configuration sources, so appsettings.json, the environment
        // (Logging__LogLevel__Microsoft=Information) and the command line all override it.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = QuietLogging(demo) });
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = StaticAssetsAsBuilt() });
        builder.Logging.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning);

        // Request lines carry confirmation tokens in their paths: a log reader must not be able to confirm signatures.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = 4 * MaxFormBytes);

        services.AddSingleton(TimeProvider.System);
        services.AddOptions<SiteOptions>().BindConfiguration(SiteOptions.Section)
            .Validate(site => SiteOptions.IsWebAddress(site.PublicUrl), "Site:PublicUrl must be the site's address, like https://petitions.example.org.")
            .PostConfigure<IConfiguration>((site, configuration) =>
            {
                if (configuration.GetValue<bool>("Demo:Load"))
                {
                    site.Operator.FillInForDemo();
                }
            })
            .ValidateOnStart();
        services.AddHostedService<SiteOperatorCheck>();
        services.AddOptions<HostFilteringOptions>().Configure<IOptions<SiteOptions>, IConfiguration, IHostEnvironment>(AnswerOwnHostOnly);
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section);
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section)
            .Validate(smtp => smtp.SocketOptions() is not null, SmtpOptions.SecurityProblem)
            .ValidateOnStart();
        services.Configure<FormOptions>(form =>
        {
            form.ValueLengthLimit = MaxFormBytes;
            form.MultipartBodyLengthLimit = MaxFormBytes;
            form.KeyLengthLimit = 256;
            form.ValueCountLimit = 200;
        });

        services.AddCountersignDatabase();

        // Cookie and antiforgery keys live beside the data, so a restart does not sign staff out.
        // AES-256-GCM rather than the default CBC + HMAC: every signature checks two antiforgery
        // tokens, and GCM does in one pass what the default does in two.
        services.AddDataProtection().SetApplicationName("Countersign")
            .UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration { EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM });
        services.AddOptions<KeyManagementOptions>().Configure<DataFolder, ILoggerFactory>((options, folder, logs) =>
        {
            // Owner-only like the rest of the data folder, before the repository makes it with the default mode.
            var keys = folder.Combine("data-protection-keys");
            DataFolder.CreateFolder(keys);
            options.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(keys), logs);

            // Stored as they are, on purpose, which also says so instead of the framework's "No XML
            // encryptor configured" warning at each new key. Linux has no store for a key to encrypt
            // them with (Windows has DPAPI), and a key or certificate kept beside them, in the same
            // owner-only folder as keys.json and the database, would protect nothing: whoever reads
            // the folder reads that key too.
            options.XmlEncryptor = new NullXmlEncryptor();
        });
        services.AddSingleton(provider => PrivacyKeys.Load(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<DataFolder>().Path));
        services.AddSingleton<PersonalDataProtector>();
        services.AddSingleton<CampaignKeys>();
        services.AddSingleton<MarkdownRenderer>();
        services.AddMemoryCache();
        services.AddSingleton<CampaignCache>();
        services.AddSingleton<SharePreviewCache>();
        services.AddScoped<CampaignPulse>();
        services.AddScoped<CampaignFigures>();
        services.AddSingleton<SignerEmails>();
        services.AddSingleton<StaffEmails>();
        services.AddSingleton<CoSignerEmails>();
        services.AddSingleton<Outbox>();
        services.AddSingleton<OutboxFolder>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<IEmailSender>(provider =>
            string.IsNullOrWhiteSpace(provider.GetRequiredService<IOptions<SmtpOptions>>().Value.Host)
                ? provider.GetRequiredService<OutboxFolder>()
                : provider.GetRequiredService<SmtpEmailSender>());
        services.AddHostedService<OutboxWorker>();
        services.AddOptions<UpdateOptions>().BindConfiguration(UpdateOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<UpdateSender>();
        services.AddHostedService(provider => provider.GetRequiredService<UpdateSender>());
        services.AddScoped<UpdatePublishing>();
        services.AddScoped<UpdateVisibility>();
        services.AddOptions<IntakeOptions>().BindConfiguration(IntakeOptions.Section);
        services.AddOptions<BotCheckOptions>().BindConfiguration(IntakeOptions.Section);
        services.AddSingleton<BotChecks>();
        services.AddOptions<ProofOfWorkOptions>().BindConfiguration(ProofOfWorkOptions.Section);
        services.AddSingleton<ProofOfWork>();
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section);
        services.AddSingleton<NetworkAddresses>();
        services.AddSingleton<SigningRates>();
        services.AddFloodLimiter();
        services.AddSingleton<SignatureIntake>();
        services.AddHostedService(provider => provider.GetRequiredService<SignatureIntake>());
        services.AddSingleton<FormChecks>();
        services.AddSingleton<SignatureSubmission>();
        services.AddScoped<CommentIntake>();
        services.AddScoped<CommentModeration>();
        services.AddScoped<LetterIntake>();
        services.AddScoped<LetterRevisions>();
        services.AddScoped<CoSignatureDecisions>();
        services.AddOptions<LetterOptions>().BindConfiguration(LetterOptions.Section).ValidateDataAnnotations()
            .Validate(letters => letters.DnsServerEndPoints() is not null, LetterOptions.DnsServersProblem).ValidateOnStart();
        services.AddSingleton<DnsClient.ILookupClient>(provider => provider.GetRequiredService<IOptions<LetterOptions>>().Value.LookupClient());
        services.AddScoped<DomainProof>();
        services.AddOptions<RetentionOptions>().BindConfiguration(RetentionOptions.Section);
        services.AddSingleton<RetentionJob>();
        services.AddHostedService(provider => provider.GetRequiredService<RetentionJob>());
        services.AddOptions<CampaignOptions>().BindConfiguration(CampaignOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<CampaignLifecycle>();
        services.AddScoped<PublicCampaigns>();
        services.AddScoped<CampaignTimeline>();
        services.AddScoped<CampaignImages>();
        services.AddScoped<CoalitionPartners>();
        services.AddSingleton<SponsorJob>();
        services.AddHostedService(provider => provider.GetRequiredService<SponsorJob>());
        services.AddSingleton<DeadlineJob>();
        services.AddHostedService(provider => provider.GetRequiredService<DeadlineJob>());
        services.AddSingleton<MilestoneJob>();
        services.AddHostedService(provider => provider.GetRequiredService<MilestoneJob>());
        services.AddScoped<DemoData>();
        if (demo)
        {
            // After DatabaseStartup, which loads the demo data. The framework's "Application
            // started", environment and content root lines would come after the sign-in box.
            services.AddHostedService<DemoSignIn>();
            services.Configure<ConsoleLifetimeOptions>(options => options.SuppressStatusMessages = true);
        }

        services.AddScoped<ReferralCounts>();
        services.AddScoped<SignatureTrends>();
        services.AddScoped<SignatureModeration>();

        services.AddLocalization(options => options.ResourcesPath = "Resources");
        services.Configure<RequestLocalizationOptions>(options =>
        {
            var cultures = Languages.Select(CultureInfo.GetCultureInfo).ToList();
            options.DefaultRequestCulture = new RequestCulture("en");
            options.SupportedCultures = cultures;
            options.SupportedUICultures = cultures;
            options.RequestCultureProviders = [new EmbedLanguage(), new CookieRequestCultureProvider { CookieName = LanguageSwitch.CookieName }, new AcceptLanguageHeaderRequestCultureProvider()];
        });

        services.AddStaffIdentity();
        services.AddAuthorizationBuilder()
            .AddPolicy(StaffRoles.AdminPolicy, policy => policy.RequireRole(StaffRoles.Admin))
            .AddPolicy(StaffPolicies.Moderate, policy => policy.RequireRole(StaffRoles.Admin, StaffRoles.Moderator));
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = AntiforgeryCookie;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.Path = "/";
        });

        // TempData carries the moderators' notices from a form to the page it redirects to.
        services.Configure<CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = TempDataCookie;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.Path = "/";
        });

        // Every cookie, these and any added later, is Secure, HttpOnly and at least SameSite=Lax.
        // Secure comes from this policy rather than from SecurePolicy = Always on the antiforgery
        // cookie: that would also make antiforgery refuse every request that reaches the app over
        // plain http, as behind a TLS-terminating proxy or on http://localhost in development and
        // tests, where browsers keep Secure cookies all the same.
        services.Configure<CookiePolicyOptions>(options =>
        {
            options.Secure = CookieSecurePolicy.Always;
            options.HttpOnly = HttpOnlyPolicy.Always;
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
        });
        // Browsers remember for a year that this site is HTTPS only, subdomains too (outside development).
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });
        // Ids in addresses have one spelling (see CanonicalId): {id:digits}.
        services.Configure<RouteOptions>(options => options.SetParameterPolicy<CanonicalIdRouteConstraint>(CanonicalId.ConstraintName));
        services.AddRazorPages(options =>
        {
            options.Conventions.AuthorizeFolder("/Staff");
            options.Conventions.AllowAnonymousToPage("/Staff/Login");
            options.Conventions.AllowAnonymousToPage("/Staff/LoginCode");
            options.Conventions.AllowAnonymousToPage("/Staff/LoginEnrol");
            options.Conventions.AllowAnonymousToPage("/Staff/Invitation");
            options.Conventions.AuthorizePage("/Staff/Users", StaffRoles.AdminPolicy);
            options.Conventions.AuthorizePage("/Staff/StaffAccount", StaffRoles.AdminPolicy);

            // A campaign gathering supporting signatures shows, and takes them, only through its sponsor link.
            AlsoAnswerAt(options.Conventions, "/Campaigns/Show", "c/{slug}/sponsor/{sponsorToken}");
            AlsoAnswerAt(options.Conventions, "/Signing/CheckEmail", "c/{slug}/sponsor/{sponsorToken}/check-email");
            AlsoAnswerAt(options.Conventions, "/Signing/Thanks", "c/{slug}/sponsor/{sponsorToken}/thanks");

            // Pages that show personal data (the staff pages, the confirmation steps) are never
            // kept by the browser or a proxy.
            options.Conventions.AddFolderApplicationModelConvention("/Staff", model => model.Filters.Add(new NoStore()));
            options.Conventions.AddFolderApplicationModelConvention("/Signing", model => model.Filters.Add(new NoStore()));
        });

        // Our forms use MVC's own field names (Input.HostUpdates[3]); the jQuery-style readers throw
        // on a malformed name like "a[" instead of ignoring it, which turned such a request into a 500.
        services.Configure<MvcOptions>(options =>
        {
            options.Filters.Add<MethodNotAllowed>();
            options.Filters.Add<CampaignRoleFilter>();
            options.Filters.Add(new NoStore(formsOnly: true));
            options.ValueProviderFactories.RemoveType<JQueryFormValueProviderFactory>();
            options.ValueProviderFactories.RemoveType<JQueryQueryStringValueProviderFactory>();
        });
        return builder;
    }

    /// <summary>
    /// A second address for a page. Not AddPageRoute: that one also stops links being built to the
    /// page's own address, so asp-page could not name the campaign page (it rendered href="").
    /// </summary>
    private static void AlsoAnswerAt(PageConventionCollection conventions, string page, string template) =>
        conventions.AddPageRouteModelConvention(page, model => model.Selectors.Add(new SelectorModel(model.Selectors[0])
        {
            AttributeRouteModel = new AttributeRouteModel { Template = template },
        }));

    /// <summary>Loopback names: health checks and proxies on the machine itself.</summary>
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>
    /// Requests must name the site's own host (Site:PublicUrl's) or a loopback one; any other Host
    /// header gets 400 from ASP.NET Core's host filtering, which runs before everything else. A
    /// client writes its Host header, and a site that answers any name can be made to build
    /// links for someone else's. AllowedHosts, when set, replaces this list ("*": any host); in
    /// Development any host is answered, as with no list at all.
    /// </summary>
    /// <remarks>
    /// Read when the first request arrives, so the public address <c>serve</c> derives from where it
    /// listens (when Site:PublicUrl is not set) is the one used.
    /// </remarks>
    private static void AnswerOwnHostOnly(HostFilteringOptions options, IOptions<SiteOptions> site, IConfiguration configuration, IHostEnvironment environment)
    {
        if (environment.IsDevelopment() || configuration["AllowedHosts"] is { Length: > 0 })
        {
            return;
        }

        options.AllowedHosts = [site.Value.Host, .. LoopbackHosts];
    }

    public static WebApplication UseCountersign(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",

            // Oversized or malformed bodies are the client's mistake, answered with a 4xx page.
            StatusCodeSelector = exception => exception switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                InvalidDataException => StatusCodes.Status400BadRequest,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseStatusCodePagesWithReExecute("/error/{0}");
        app.Use(SecurityHeaders.AddAsync);
        app.UseCookiePolicy();
        app.UseRequestLocalization();

        // The reader's language decides the formats too, even when their browser would accept another
        // language's: English text with French dates would read oddly.
        app.Use((context, next) =>
        {
            CultureInfo.CurrentCulture = FormatsOf(CultureInfo.CurrentUICulture.TwoLetterISOLanguageName);
            return next(context);
        });
        app.UseRouting();

        // After routing, so the limiter sees which endpoint a request is for and lets the static files through.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();

        // Stylesheets and scripts as the build compressed them (brotli and gzip, see Countersign.csproj), with ETags
        // and, under their fingerprinted names, cached for good. A page loads several at once, and each counted
        // against the flood limit would spend a reader's allowance on one visit. Pages and other dynamic responses
        // stay uncompressed, on purpose: they carry antiforgery tokens beside text a visitor controls, and
        // compressing both together lets an attacker guess a token from the response's size (BREACH).
        app.MapStaticAssets().DisableRateLimiting();
        app.MapRazorPages().WithStaticAssets();
        app.MapCampaignJson();
        app.MapLetterJson();
        app.MapCampaignListJson();
        app.MapOembed();
        app.MapUpdatesFeed();
        app.MapSitemap();
        app.MapSharePreviews();
        app.MapCampaignImageFiles();
        app.MapRobots();
        app.MapLanguageSwitch();
        app.MapProofOfWorkChallenges();
        return app;
    }
}
