using Countersign.Comments;
using Countersign.Data;
using Countersign.Privacy;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>
/// Fills an empty site with the demo campaigns and a few thousand synthetic signatures (marked as
/// demo data, with addresses under the reserved .invalid domain so nothing can ever be sent to them).
/// </summary>
public sealed class DemoData(CountersignDb db, PersonalDataProtector protector, CampaignKeys campaignKeys, TimeProvider clock)
{
    public const string DemoStaffEmail = "demo@countersign.localhost";

    // Weighted so the by-country figures look like a real international campaign.
    private static readonly string[] Countries =
        ["US", "US", "US", "US", "GB", "GB", "FR", "FR", "DE", "CA", "CA", "PS", "PS", "IE", "ES", "ES", "AU", "NL", "BE", "ZA", "BR", "IN", "SE", "IT"];

    private static readonly string[] FirstNames =
        ["Amal", "Ben", "Chloé", "Dana", "Elias", "Fatima", "Gabriel", "Hana", "Idris", "Jade", "Karim", "Lea", "Maya", "Noor", "Omar", "Paula", "Rami", "Sara", "Tomás", "Yara"];

    private static readonly string[] LastNames =
        ["Abbas", "Bernard", "Cohen", "Diallo", "Evans", "Fernández", "García", "Haddad", "Ivanova", "Jensen", "Khalil", "López", "Martin", "Nasser", "Okafor", "Petit", "Rossi", "Schmidt", "Tanaka", "Weiss"];

    // The share channels that brought the signers, weighted like the countries; taken by position rather than from
    // the random sequence, which would change every other demo figure.
    private static readonly string?[] Referrals =
        [null, null, null, null, Referral.WhatsApp, Referral.WhatsApp, Referral.WhatsApp, Referral.Email, Referral.Email, Referral.Copy,
         Referral.Copy, Referral.Mastodon, Referral.Bluesky, Referral.Telegram, Referral.Facebook, Referral.Embed, Referral.X, Referral.LinkedIn];

    public async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (await db.Campaigns.AnyAsync(c => c.IsDemo, cancellationToken))
        {
            return;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var campaigns = DemoCampaigns.Create(now);
        db.Campaigns.AddRange(campaigns);

        // The flagship campaign shows a header image, made from an upload as an organiser's is.
        var (_, cameras) = await HeaderImageEncoder.EncodeAsync(DemoPictures.Cameras(), cancellationToken);
        var flagship = campaigns.First(c => c.Slug == DemoCampaigns.FlagshipSlug);
        var edited = flagship.UpdatedAt;
        flagship.ShowImage(CampaignImage.From(cameras!, DemoPictures.CamerasAlt, now), now);
        flagship.UpdatedAt = edited;
        await db.SaveChangesAsync(cancellationToken);

        // A fixed seed: every demo site shows the same figures, which makes screenshots comparable.
        var random = new Random(2020);
        foreach (var campaign in campaigns.Where(c => c.State != CampaignState.Draft))
        {
            var count = campaign.State == CampaignState.Open ? random.Next(2_000, 3_500) : random.Next(800, 1_500);
            var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
            await BulkSignatures.InsertConfirmedAsync(db, campaign.Id, Synthetic(campaign, cipher, count, now, random, "demo-signer"), progress: null, cancellationToken);
        }

        foreach (var campaign in campaigns.Where(c => DemoCampaigns.Comments.ContainsKey(c.Slug)))
        {
            var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
            db.Comments.AddRange(DemoCampaigns.Comments[campaign.Slug].Select((comment, i) => DemoComment(campaign, cipher, i, comment.Name, comment.Text, now.AddHours(-30 + (i * 6)))));
        }

        foreach (var campaign in campaigns.Where(c => DemoCampaigns.Signatories.ContainsKey(c.Slug)))
        {
            await AddSignatoriesAsync(campaign, DemoCampaigns.Signatories[campaign.Slug], now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The demo letter's organisations, approved, each confirmed by a contact at its own website's domain, all under the
    /// reserved example.org (so the letter shows the "domain verified" mark without anyone's real address).
    /// </summary>
    private async Task AddSignatoriesAsync(Campaign campaign, IEnumerable<DemoCampaigns.DemoSignatory> signatories, DateTime now, CancellationToken cancellationToken)
    {
        var version = Letters.LetterVersion.Of(campaign, 1, now.AddDays(-9));
        db.LetterVersions.Add(version);
        await db.SaveChangesAsync(cancellationToken);
        var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
        var ids = new Dictionary<string, long>();
        var signedAt = now.AddDays(-8);
        foreach (var signatory in signatories)
        {
            var email = $"letters@{new Uri(signatory.Website).Host}";
            var signature = new Letters.CoSignature
            {
                CampaignId = campaign.Id,
                LetterVersionId = version.Id,
                Name = signatory.Name,
                Description = signatory.Description,
                Members = signatory.Members,
                Kind = signatory.Kind,
                CountryCode = signatory.Country,
                Website = signatory.Website,
                ParentId = signatory.Parent is null ? null : ids[signatory.Parent],
                ContactNameCiphertext = cipher.Encrypt("Demo contact"),
                ContactRoleCiphertext = cipher.Encrypt("Secretary"),
                ContactEmailCiphertext = cipher.Encrypt(email),
                EmailKey = protector.EmailKey(EmailAddress.Normalise(email)),
                DomainVerified = true,
                Locale = "en",
                State = Letters.CoSignatureState.Approved,
                CreatedAt = signedAt,
                ConfirmedAt = signedAt.AddMinutes(10),
                DecidedAt = signedAt.AddHours(5),
            };
            db.CoSignatures.Add(signature);
            await db.SaveChangesAsync(cancellationToken);
            ids[signatory.Name] = signature.Id;
            signedAt = signedAt.AddHours(7);
        }
    }

    /// <summary>A published comment, stored as the comment form stores one, from an address under the reserved .invalid domain.</summary>
    private Comment DemoComment(Campaign campaign, CampaignCipher cipher, int number, string name, string text, DateTime publishedAt)
    {
        var email = $"demo-commenter-{campaign.Id}-{number}@example.invalid";
        return new Comment
        {
            CampaignId = campaign.Id,
            NameCiphertext = cipher.Encrypt(name),
            EmailCiphertext = cipher.Encrypt(email),
            EmailKey = protector.EmailKey(EmailAddress.Normalise(email)),
            TextCiphertext = cipher.Encrypt(text),
            Locale = "en",
            State = CommentState.Published,
            CreatedAt = publishedAt.AddMinutes(-20),
            ConfirmedAt = publishedAt,
            PublishedAt = publishedAt,
        };
    }

    /// <summary>
    /// Adds synthetic confirmed signatures to a campaign through the bulk path
    /// (<c>countersign demo-load</c>), for measuring large campaigns. Null when there is no such campaign.
    /// </summary>
    public async Task<Campaign?> LoadAsync(string slug, int count, Action<int> progress, CancellationToken cancellationToken)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Slug == slug, cancellationToken);
        if (campaign is null)
        {
            return null;
        }

        // A fresh prefix per run, so loading twice adds people instead of colliding with the first load.
        var run = Guid.NewGuid().ToString("N")[..8];
        var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
        await BulkSignatures.InsertConfirmedAsync(db, campaign.Id, Synthetic(campaign, cipher, count, clock.GetUtcNow().UtcDateTime, new Random(), $"load-{run}"), progress, cancellationToken);
        return campaign;
    }

    private IEnumerable<Signature> Synthetic(Campaign campaign, CampaignCipher cipher, int count, DateTime now, Random random, string emailPrefix)
    {
        var daysOpen = Math.Max(1, (int)(now - campaign.CreatedAt).TotalDays);
        for (var i = 0; i < count; i++)
        {
            var name = $"{FirstNames[random.Next(FirstNames.Length)]} {LastNames[random.Next(LastNames.Length)]}";
            var email = $"{emailPrefix}-{campaign.Id}-{i}@example.invalid";
            var country = Countries[random.Next(Countries.Length)];

            // Most signatures arrive in the first days of a campaign, then a long tail.
            var daysAfterLaunch = (int)(daysOpen * Math.Pow(random.NextDouble(), 2.5));
            var confirmedAt = campaign.CreatedAt.AddDays(daysAfterLaunch).AddMinutes(random.Next(0, 24 * 60));
            if (confirmedAt > now)
            {
                confirmedAt = now;
            }

            var showName = random.Next(3) > 0;
            yield return new Signature
            {
                CampaignId = campaign.Id,
                NameCiphertext = cipher.Encrypt(name),
                EmailCiphertext = cipher.Encrypt(email),
                EmailKey = protector.EmailKey(EmailAddress.Normalise(email)),
                CountryCode = country,
                ShowNamePublicly = showName,
                Locale = "en",
                State = SignatureState.Confirmed,
                Referral = Referrals[i % Referrals.Length],
                IsDemo = true,
                CreatedAt = DateTime.SpecifyKind(confirmedAt.AddMinutes(-random.Next(1, 60)), DateTimeKind.Utc),
                ConfirmedAt = DateTime.SpecifyKind(confirmedAt, DateTimeKind.Utc),
            };
        }
    }
}
