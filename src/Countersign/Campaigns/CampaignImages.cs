using System.Security.Claims;
using Countersign.Data;
using Countersign.Staff;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Campaigns' header images as their organisers keep them: uploaded (re-encoded by <see cref="HeaderImageEncoder"/>),
/// described and removed, each in the audit log and on the public page at once; and their files for browsers.
/// </summary>
public sealed class CampaignImages(CountersignDb db, CampaignCache cache, TimeProvider clock)
{
    /// <summary>The campaign with its header image (not its files), tracked for a change, or null.</summary>
    public Task<Campaign?> FindAsync(int campaignId, CancellationToken cancellationToken) =>
        db.Campaigns.Include(c => c.Image).FirstOrDefaultAsync(c => c.Id == campaignId, cancellationToken);

    /// <summary>
    /// Puts the uploaded picture in place of the campaign's header image, if any. Returns why not instead: the
    /// campaign's state (its page cannot change now), or problems by field (untranslated).
    /// </summary>
    public async Task<CampaignImageResult> UploadAsync(Campaign campaign, CampaignImageInput input, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (CampaignLifecycle.EditRefusal(campaign) is not MoveRefusal.None and var locked)
        {
            return CampaignImageResult.NotAllowed(locked);
        }

        var problems = input.ValidateAlt();
        if (input.File is null)
        {
            problems[nameof(CampaignImageInput.File)] = "Choose a picture to upload.";
        }
        else
        {
            var (problem, encoded) = await HeaderImageEncoder.EncodeAsync(input.File, HeaderImageEncoder.MaxBytes, ImageShape.Header, cancellationToken);
            if (encoded is null)
            {
                problems[nameof(CampaignImageInput.File)] = CampaignImageInput.Explain(problem);
            }
            else if (problems.Count == 0)
            {
                return await ShowAsync(campaign, encoded, input.TrimmedAlt(), by, cancellationToken);
            }
        }

        return CampaignImageResult.Invalid(problems);
    }

    private async Task<CampaignImageResult> ShowAsync(Campaign campaign, EncodedHeaderImage encoded, string alt, ClaimsPrincipal? by, CancellationToken cancellationToken)
    {
        var now = Now;
        campaign.ShowImage(CampaignImage.From(encoded, alt, now), now);
        db.Record(by, AuditAction.ImageUploaded, campaign.Id, now, $"{encoded.Width}×{encoded.Height}: {alt}");
        return await SaveAsync(campaign, cancellationToken);
    }

    /// <summary>Changes the words describing the header image.</summary>
    public async Task<CampaignImageResult> DescribeAsync(Campaign campaign, CampaignImageInput input, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (CampaignLifecycle.EditRefusal(campaign) is not MoveRefusal.None and var locked)
        {
            return CampaignImageResult.NotAllowed(locked);
        }

        if (campaign.Image is null)
        {
            return CampaignImageResult.NoImage;
        }

        if (input.ValidateAlt() is { Count: > 0 } problems)
        {
            return CampaignImageResult.Invalid(problems);
        }

        var now = Now;
        campaign.DescribeImage(input.TrimmedAlt(), now);
        db.Record(by, AuditAction.ImageDescribed, campaign.Id, now, input.TrimmedAlt());
        return await SaveAsync(campaign, cancellationToken);
    }

    /// <summary>Takes the header image off the campaign's page, and its files with it.</summary>
    public async Task<CampaignImageResult> RemoveAsync(Campaign campaign, ClaimsPrincipal by, CancellationToken cancellationToken)
    {
        if (CampaignLifecycle.EditRefusal(campaign) is not MoveRefusal.None and var locked)
        {
            return CampaignImageResult.NotAllowed(locked);
        }

        if (campaign.Image is null)
        {
            return CampaignImageResult.NoImage;
        }

        var now = Now;
        campaign.RemoveImage(now);
        db.Record(by, AuditAction.ImageRemoved, campaign.Id, now);
        return await SaveAsync(campaign, cancellationToken);
    }

    /// <summary>One width of a header image, by its address's token; null when no image has that token or width.</summary>
    public Task<byte[]?> FileAsync(string token, int width, CancellationToken cancellationToken) =>
        token.Length > CampaignImage.TokenMaxLength
            ? Task.FromResult<byte[]?>(null)
            : db.CampaignImageFiles.AsNoTracking()
                .Where(f => f.Width == width && db.CampaignImages.Any(i => i.Id == f.CampaignImageId && i.Token == token))
                .Select(f => f.Bytes).FirstOrDefaultAsync(cancellationToken);

    private DateTime Now => clock.GetUtcNow().UtcDateTime;

    private async Task<CampaignImageResult> SaveAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Someone moved the campaign, or changed its image, since it was read: the old image was gone already
            // (a concurrency failure), or two first images met on the campaign's unique index.
            return CampaignImageResult.Conflict;
        }

        cache.Forget(campaign.Slug);
        return CampaignImageResult.Saved;
    }
}

/// <summary>What came of a change to a header image.</summary>
public sealed record CampaignImageResult(CampaignImageOutcome Outcome, IReadOnlyDictionary<string, string> Problems, MoveRefusal Refusal = MoveRefusal.None)
{
    public static readonly CampaignImageResult Saved = new(CampaignImageOutcome.Saved, new Dictionary<string, string>());
    public static readonly CampaignImageResult Conflict = new(CampaignImageOutcome.Conflict, new Dictionary<string, string>());
    public static readonly CampaignImageResult NoImage = new(CampaignImageOutcome.NoImage, new Dictionary<string, string>());

    public static CampaignImageResult Invalid(IReadOnlyDictionary<string, string> problems) => new(CampaignImageOutcome.Invalid, problems);

    public static CampaignImageResult NotAllowed(MoveRefusal refusal) => new(CampaignImageOutcome.NotAllowed, new Dictionary<string, string>(), refusal);
}

public enum CampaignImageOutcome
{
    Saved,
    Invalid,
    NotAllowed,
    NoImage,
    Conflict,
}
