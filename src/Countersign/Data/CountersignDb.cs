using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Comments;
using Countersign.Email;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Staff;
using Countersign.Updates;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Countersign.Data;

/// <summary>
/// The one database context. Each provider has a subclass (<see cref="SqliteCountersignDb"/>,
/// <see cref="PostgresCountersignDb"/>) only so that each keeps its own migrations. It holds
/// ASP.NET Core Identity's tables for staff accounts, under Staff* names.
/// </summary>
public abstract class CountersignDb(DbContextOptions options) : IdentityDbContext<StaffUser, IdentityRole<int>, int>(options)
{
    public DbSet<Campaign> Campaigns => Set<Campaign>();
    public DbSet<CampaignHost> CampaignHosts => Set<CampaignHost>();
    public DbSet<HostLogo> HostLogos => Set<HostLogo>();
    public DbSet<CampaignImage> CampaignImages => Set<CampaignImage>();
    public DbSet<CampaignImageFile> CampaignImageFiles => Set<CampaignImageFile>();
    public DbSet<CountryCount> CountryCounts => Set<CountryCount>();
    public DbSet<DayCount> DayCounts => Set<DayCount>();
    public DbSet<Signature> Signatures => Set<Signature>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<StaffUser> StaffUsers => Set<StaffUser>();
    public DbSet<StaffRecoveryCode> StaffRecoveryCodes => Set<StaffRecoveryCode>();
    public DbSet<IpSalt> IpSalts => Set<IpSalt>();
    public DbSet<Invalidation> Invalidations => Set<Invalidation>();
    public DbSet<RetentionRun> RetentionRuns => Set<RetentionRun>();
    public DbSet<CampaignKey> CampaignKeys => Set<CampaignKey>();
    public DbSet<SpentChallenge> SpentChallenges => Set<SpentChallenge>();
    public DbSet<CampaignReview> CampaignReviews => Set<CampaignReview>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<CampaignEvent> CampaignEvents => Set<CampaignEvent>();
    public DbSet<CampaignMember> CampaignMembers => Set<CampaignMember>();
    public DbSet<CampaignUpdate> CampaignUpdates => Set<CampaignUpdate>();
    public DbSet<UpdateDelivery> UpdateDeliveries => Set<UpdateDelivery>();
    public DbSet<StaffInvitation> StaffInvitations => Set<StaffInvitation>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<Letters.LetterVersion> LetterVersions => Set<Letters.LetterVersion>();
    public DbSet<Letters.CoSignature> CoSignatures => Set<Letters.CoSignature>();
    public DbSet<SignInAttempts> SignInAttempts => Set<SignInAttempts>();

    /// <summary>
    /// The database already holds this entity's current values (a single UPDATE wrote them):
    /// the tracked copy takes them as saved, so a later SaveChanges does not write them again.
    /// Setting the state alone would put the old values back.
    /// </summary>
    public void MarkSaved(object entity)
    {
        var entry = Entry(entity);
        entry.OriginalValues.SetValues(entry.CurrentValues);
        entry.State = EntityState.Unchanged;
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<Campaign>(campaign =>
        {
            campaign.HasIndex(c => c.Slug).IsUnique();
            campaign.HasIndex(c => c.State);
            campaign.Property(c => c.Slug).HasMaxLength(Campaign.SlugMaxLength);
            campaign.Property(c => c.Title).HasMaxLength(Campaign.TitleMaxLength);
            campaign.Property(c => c.Summary).HasMaxLength(Campaign.SummaryMaxLength);
            campaign.Property(c => c.BodyMarkdown).HasMaxLength(Campaign.BodyMaxLength);
            campaign.Property(c => c.LetterMarkdown).HasMaxLength(Campaign.LetterMaxLength).HasDefaultValue("");
            campaign.Property(c => c.LetterAddressees).HasMaxLength(Campaign.LetterAddresseesMaxLength).HasDefaultValue("");
            // Two moves at once (a deadline passing while an organiser withdraws) must not both win.
            campaign.Property(c => c.State).HasMaxLength(CampaignState.MaxLength).IsConcurrencyToken();
            campaign.Property(c => c.RejectionReason).HasMaxLength(CampaignState.ReasonMaxLength);
            campaign.Property(c => c.SponsorToken).HasMaxLength(Campaign.SponsorTokenMaxLength);
            campaign.Property(c => c.Outcome).HasMaxLength(CampaignOutcome.MaxLength).HasDefaultValue(CampaignOutcome.Ongoing);
            campaign.Property(c => c.OutcomeText).HasMaxLength(CampaignOutcome.TextMaxLength);
            campaign.Property(c => c.CommentMode).HasMaxLength(CommentMode.MaxLength).HasDefaultValue(CommentMode.Off);

            // Campaigns written before they had a language were all in English.
            campaign.Property(c => c.Language).HasMaxLength(ContentLanguages.TagMaxLength).HasDefaultValue(ContentLanguages.Default);
            campaign.HasMany(c => c.Hosts).WithOne().HasForeignKey(h => h.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        // The header image goes with its campaign, and its files with it; a new upload replaces both.
        builder.Entity<Campaign>().HasOne(c => c.Image).WithOne().HasForeignKey<CampaignImage>(i => i.CampaignId).OnDelete(DeleteBehavior.Cascade);
        builder.Entity<CampaignImage>(image =>
        {
            image.HasIndex(i => i.Token).IsUnique();
            image.Property(i => i.Token).HasMaxLength(CampaignImage.TokenMaxLength);
            image.Property(i => i.Alt).HasMaxLength(CampaignImage.AltMaxLength);
            image.HasMany(i => i.Files).WithOne().HasForeignKey(f => f.CampaignImageId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<CampaignImageFile>().HasIndex(f => new { f.CampaignImageId, f.Width }).IsUnique();

        builder.Entity<CampaignHost>(host =>
        {
            host.Property(h => h.Name).HasMaxLength(CampaignHost.NameMaxLength);
            host.Property(h => h.Website).HasMaxLength(CampaignHost.WebsiteMaxLength);
            host.Property(h => h.Description).HasMaxLength(CampaignHost.DescriptionMaxLength);
            host.Property(h => h.LogoToken).HasMaxLength(CampaignImage.TokenMaxLength);
        });

        // A logo's file goes with its host; a new upload replaces it (one per host).
        builder.Entity<HostLogo>(logo =>
        {
            logo.HasIndex(l => l.Token).IsUnique();
            logo.HasIndex(l => l.HostId).IsUnique();
            logo.Property(l => l.Token).HasMaxLength(CampaignImage.TokenMaxLength);
            logo.HasOne<CampaignHost>().WithMany().HasForeignKey(l => l.HostId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CountryCount>(count =>
        {
            count.HasKey(c => new { c.CampaignId, c.CountryCode });
            count.Property(c => c.CountryCode).HasMaxLength(2);
            count.HasOne<Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<DayCount>(count =>
        {
            count.HasKey(c => new { c.CampaignId, c.Day });
            count.HasOne<Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Signature>(signature =>
        {
            // One signature per person per campaign: the unique key is what makes a duplicate impossible,
            // even when two requests with the same address arrive at once.
            signature.HasIndex(s => new { s.CampaignId, s.EmailKey }).IsUnique();
            signature.HasIndex(s => s.ConfirmationTokenHash);
            signature.Property(s => s.CountryCode).HasMaxLength(2);
            signature.Property(s => s.Locale).HasMaxLength(16);
            signature.Property(s => s.State).HasMaxLength(16);
            signature.Property(s => s.InvalidatedBecause).HasMaxLength(32);
            signature.Property(s => s.HeldBecause).HasMaxLength(32);
            signature.Property(s => s.Referral).HasMaxLength(Referral.MaxLength);

            // The intake counts the repeat emails an address got across campaigns; only signatures that
            // caused one are in this index, so new signatures cost it nothing.
            signature.HasIndex(s => new { s.EmailKey, s.RepeatEmailAt }).HasFilter("\"RepeatEmailAt\" IS NOT NULL");

            // The moderators' report and bulk invalidations select a campaign's signatures by time.
            signature.HasIndex(s => new { s.CampaignId, s.CreatedAt });

            // Each partner's credit: the signatures its own link brought (only those rows are in the index).
            signature.HasIndex(s => new { s.CampaignId, s.ReferredByHostId }).HasFilter("\"ReferredByHostId\" IS NOT NULL");
            signature.HasIndex(s => s.InvalidationId);
            signature.HasIndex(s => new { s.State, s.CreatedAt });
            signature.HasOne<Invalidation>().WithMany().HasForeignKey(s => s.InvalidationId).OnDelete(DeleteBehavior.NoAction);
            signature.HasOne<Campaign>().WithMany().HasForeignKey(s => s.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OutboxMessage>(message =>
        {
            message.HasIndex(m => new { m.SentAt, m.NextAttemptAt });
            message.Property(m => m.Kind).HasMaxLength(32);
            message.Property(m => m.LastError).HasMaxLength(200);
        });

        builder.Entity<IpSalt>(salt => salt.HasKey(s => s.Day));
        builder.Entity<RetentionRun>(run => run.HasIndex(r => r.RanAt));

        builder.Entity<SpentChallenge>(spent =>
        {
            spent.HasKey(s => s.Nonce);
            spent.HasIndex(s => s.ExpiresAt);
        });

        builder.Entity<CampaignKey>(key =>
        {
            key.HasKey(k => k.CampaignId);
            key.HasOne<Campaign>().WithOne().HasForeignKey<CampaignKey>(k => k.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Invalidation>(invalidation =>
        {
            invalidation.Property(i => i.Description).HasMaxLength(Invalidation.DescriptionMaxLength);
            invalidation.Property(i => i.InvalidatedBy).HasMaxLength(Invalidation.StaffEmailMaxLength);
            invalidation.Property(i => i.UndoneBy).HasMaxLength(Invalidation.StaffEmailMaxLength);
            invalidation.HasIndex(i => i.CampaignId);
            invalidation.HasOne<Campaign>().WithMany().HasForeignKey(i => i.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CampaignReview>(review =>
        {
            review.Property(r => r.Kind).HasMaxLength(16);
            review.Property(r => r.Decision).HasMaxLength(16);
            review.Property(r => r.Reason).HasMaxLength(CampaignState.ReasonMaxLength);
            review.HasIndex(r => new { r.Decision, r.SubmittedAt });
            review.HasIndex(r => r.CampaignId);
            review.HasOne<Campaign>().WithMany().HasForeignKey(r => r.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CampaignEvent>(campaignEvent =>
        {
            campaignEvent.Property(e => e.Kind).HasMaxLength(CampaignEventKind.MaxLength);
            campaignEvent.Property(e => e.Text).HasMaxLength(CampaignEvent.TextMaxLength);
            campaignEvent.Property(e => e.SourceUrl).HasMaxLength(CampaignEvent.SourceMaxLength);

            // Two servers noticing the same crossing record it once.
            campaignEvent.HasIndex(e => new { e.CampaignId, e.Milestone }).IsUnique();
            campaignEvent.HasOne<Campaign>().WithMany().HasForeignKey(e => e.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CampaignMember>(member =>
        {
            member.HasKey(m => new { m.CampaignId, m.StaffUserId });
            member.Property(m => m.Role).HasMaxLength(StaffRoles.MaxLength);
            member.HasIndex(m => m.StaffUserId);
            member.HasOne<Campaign>().WithMany().HasForeignKey(m => m.CampaignId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<StaffUser>().WithMany().HasForeignKey(m => m.StaffUserId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<CampaignHost>().WithMany().HasForeignKey(m => m.HostId).OnDelete(DeleteBehavior.SetNull);
        });

        // No foreign keys: the log outlives what it mentions.
        builder.Entity<AuditEntry>(entry =>
        {
            entry.Property(e => e.Action).HasMaxLength(AuditEntry.ActionMaxLength);
            entry.Property(e => e.Details).HasMaxLength(AuditEntry.DetailsMaxLength);
            entry.HasIndex(e => e.CampaignId);
        });

        builder.Entity<CampaignUpdate>(update =>
        {
            update.Property(u => u.HostName).HasMaxLength(CampaignHost.NameMaxLength);
            update.Property(u => u.Title).HasMaxLength(CampaignUpdate.TitleMaxLength);
            update.Property(u => u.BodyMarkdown).HasMaxLength(CampaignUpdate.BodyMaxLength);
            update.Property(u => u.SendingFailure).HasMaxLength(UpdateFailure.MaxLength);

            // Two clicks on Publish must not both publish (nor one edit a draft the other just published).
            update.Property(u => u.State).HasMaxLength(UpdateState.MaxLength).IsConcurrencyToken();
            update.HasIndex(u => new { u.CampaignId, u.State });
            update.HasOne<Campaign>().WithMany().HasForeignKey(u => u.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<UpdateDelivery>(delivery =>
        {
            // One row per update and signature: nobody can be addressed twice by the same update.
            delivery.HasKey(d => new { d.UpdateId, d.SignatureId });

            // The sender and erasure both move a delivery on from "waiting"; whichever commits second finds it moved.
            delivery.Property(d => d.State).HasMaxLength(DeliveryState.MaxLength).IsConcurrencyToken();

            // The sender reads the next waiting rows of an update in signature order.
            delivery.HasIndex(d => new { d.UpdateId, d.State, d.SignatureId });
            delivery.HasIndex(d => d.SignatureId);
            delivery.HasOne<CampaignUpdate>().WithMany().HasForeignKey(d => d.UpdateId).OnDelete(DeleteBehavior.Cascade);
            delivery.HasOne<Signature>().WithMany().HasForeignKey(d => d.SignatureId).OnDelete(DeleteBehavior.Cascade);
            delivery.HasOne(d => d.OutboxMessage).WithMany().HasForeignKey(d => d.OutboxMessageId).OnDelete(DeleteBehavior.SetNull);
        });

        builder.Entity<Letters.LetterVersion>(version =>
        {
            // Two organisations signing a new wording at once record it once: the second finds the first's.
            version.HasIndex(v => new { v.CampaignId, v.Hash }).IsUnique();
            version.HasIndex(v => new { v.CampaignId, v.Number }).IsUnique();
            version.Property(v => v.Hash).HasMaxLength(Letters.LetterVersion.HashSize);
            version.Property(v => v.Addressees).HasMaxLength(Campaign.LetterAddresseesMaxLength);
            version.Property(v => v.TextMarkdown).HasMaxLength(Campaign.LetterMaxLength);
            version.HasOne<Campaign>().WithMany().HasForeignKey(v => v.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Letters.CoSignature>(signature =>
        {
            signature.Property(s => s.Name).HasMaxLength(Letters.CoSignature.NameMaxLength);
            signature.Property(s => s.Description).HasMaxLength(Letters.CoSignature.DescriptionMaxLength);
            signature.Property(s => s.Kind).HasMaxLength(Letters.OrganisationKind.MaxLength);
            signature.Property(s => s.CountryCode).HasMaxLength(2);
            signature.Property(s => s.Website).HasMaxLength(Letters.CoSignature.WebsiteMaxLength);
            signature.Property(s => s.Locale).HasMaxLength(16);
            signature.Property(s => s.State).HasMaxLength(Letters.CoSignatureState.MaxLength);
            signature.Property(s => s.RejectionReason).HasMaxLength(Letters.CoSignature.ReasonMaxLength);
            signature.Property(s => s.FlaggedBecause).HasMaxLength(32);
            signature.HasIndex(s => new { s.CampaignId, s.State });
            signature.HasIndex(s => s.ConfirmationTokenHash);
            signature.HasOne<Campaign>().WithMany().HasForeignKey(s => s.CampaignId).OnDelete(DeleteBehavior.Cascade);
            signature.HasOne<Letters.LetterVersion>().WithMany().HasForeignKey(s => s.LetterVersionId).OnDelete(DeleteBehavior.NoAction);

            // A member organisation outlives its parent's withdrawal: the parent's row stays (withdrawn), so the link does too.
            signature.HasOne<Letters.CoSignature>().WithMany().HasForeignKey(s => s.ParentId).OnDelete(DeleteBehavior.NoAction);
        });

        builder.Entity<Comment>(comment =>
        {
            comment.Property(c => c.Locale).HasMaxLength(16);
            comment.Property(c => c.State).HasMaxLength(CommentState.MaxLength);
            comment.Property(c => c.HeldBecause).HasMaxLength(32);
            comment.Property(c => c.ModerationReason).HasMaxLength(Comment.ReasonMaxLength);

            // The campaign page lists a campaign's published comments, the moderators its waiting ones.
            comment.HasIndex(c => new { c.CampaignId, c.State, c.PublishedAt });
            comment.HasIndex(c => c.ConfirmationTokenHash);

            // The retention job deletes comments never confirmed, by age.
            comment.HasIndex(c => new { c.State, c.CreatedAt });
            comment.HasOne<Campaign>().WithMany().HasForeignKey(c => c.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<StaffUser>(user =>
        {
            user.ToTable("StaffUsers");
            user.HasIndex(u => u.Email).IsUnique();
            user.Property(u => u.Email).HasMaxLength(StaffUser.EmailMaxLength);
            user.Property(u => u.UserName).HasMaxLength(StaffUser.EmailMaxLength);
            user.Property(u => u.NormalizedEmail).HasMaxLength(StaffUser.EmailMaxLength);
            user.Property(u => u.NormalizedUserName).HasMaxLength(StaffUser.EmailMaxLength);

            // Identity saves a user by writing every column from the copy it loaded. The last TOTP
            // step changes under parallel sign-in attempts, only through a single conditional UPDATE
            // (StaffAuthenticator); a stale copy must never write it back, or a spent code could be
            // used again.
            user.Property(u => u.LastTotpStep).Metadata.SetAfterSaveBehavior(PropertySaveBehavior.Ignore);

            user.HasMany<StaffRecoveryCode>().WithOne().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<StaffInvitation>(invitation =>
        {
            invitation.Property(i => i.Email).HasMaxLength(StaffUser.EmailMaxLength);
            invitation.Property(i => i.TokenHash).HasMaxLength(32);
            invitation.HasIndex(i => i.TokenHash).IsUnique();
            invitation.HasIndex(i => i.Email);
            invitation.Property(i => i.GlobalRoles).HasMaxLength(64);
            invitation.Property(i => i.CampaignRole).HasMaxLength(StaffRoles.MaxLength);
            invitation.HasOne<Campaign>().WithMany().HasForeignKey(i => i.CampaignId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<SignInAttempts>(attempts =>
        {
            attempts.HasKey(a => a.Key);
            attempts.Property(a => a.Key).HasMaxLength(NetworkAddresses.HashSize);

            // Buckets are forgotten by age.
            attempts.HasIndex(a => a.LastAt);
        });

        builder.Entity<StaffRecoveryCode>(code =>
        {
            code.HasKey(c => new { c.UserId, c.CodeHash });
            code.Property(c => c.CodeHash).HasMaxLength(32);
        });

        builder.Entity<IdentityRole<int>>(role =>
        {
            role.ToTable("StaffRoles");
            role.HasData(StaffRoles.Seed);
        });
        builder.Entity<IdentityUserRole<int>>().ToTable("StaffUserRoles");
        builder.Entity<IdentityUserClaim<int>>().ToTable("StaffUserClaims");
        builder.Entity<IdentityUserLogin<int>>().ToTable("StaffUserLogins");
        builder.Entity<IdentityUserToken<int>>().ToTable("StaffUserTokens");
        builder.Entity<IdentityRoleClaim<int>>().ToTable("StaffRoleClaims");
    }
}

public sealed class SqliteCountersignDb(DbContextOptions<SqliteCountersignDb> options) : CountersignDb(options);

public sealed class PostgresCountersignDb(DbContextOptions<PostgresCountersignDb> options) : CountersignDb(options);
