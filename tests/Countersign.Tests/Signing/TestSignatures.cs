using System.Security.Cryptography;
using Countersign.Abuse;
using Countersign.Campaigns;
using Countersign.Privacy;
using Countersign.Signing;
using Countersign.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Tests.Signing;

/// <summary>
/// Signatures stored straight into a <see cref="TestDatabase"/>, in whatever situation a test needs,
/// with the campaign's counters raised for those that count, as the intake's confirmation raises them.
/// </summary>
internal static class TestSignatures
{
    private static readonly Func<Signature, bool> Counts = Signature.Counts.Compile();

    /// <summary>A signature as the signing form makes it, encrypted with the campaign's key; confirmed unless <paramref name="state"/> says otherwise.</summary>
    public static async Task<Signature> MakeAsync(TestDatabase database, Campaign campaign, string email, string state = SignatureState.Confirmed,
        string? heldBecause = null, string countryCode = "FR", byte[]? networkHash = null)
    {
        var cipher = await database.Get<CampaignKeys>().ForCampaignAsync(campaign.Id);
        var now = database.Clock.GetUtcNow().UtcDateTime;
        return new Signature
        {
            CampaignId = campaign.Id,
            NameCiphertext = cipher.Encrypt("Signer " + email.Split('@')[0]),
            EmailCiphertext = cipher.Encrypt(email),
            EmailKey = database.Get<PersonalDataProtector>().EmailKey(EmailAddress.Normalise(email)),
            PostcodeCiphertext = cipher.Encrypt("75011"),
            CountryCode = countryCode,
            Locale = "en",
            State = state,
            InvalidatedBecause = state == SignatureState.Invalidated ? BotChecks.ReplayedReason : null,
            HeldBecause = heldBecause,
            AddressHash = RandomNumberGenerator.GetBytes(16),
            NetworkHash = networkHash ?? RandomNumberGenerator.GetBytes(16),
            EmailDomainKey = database.Get<SigningRates>().DomainOf(email).Key,
            CreatedAt = now,
            ConfirmedAt = state is SignatureState.Confirmed or SignatureState.Erased ? now : null,
            ConfirmationTokenHash = state == SignatureState.Pending ? RandomNumberGenerator.GetBytes(32) : null,
            ConfirmationTokenExpiresAt = state == SignatureState.Pending ? now.AddDays(7) : null,
        };
    }

    /// <summary>Stores the signatures and counts those that count, in one transaction.</summary>
    public static Task AddAsync(TestDatabase database, params Signature[] signatures) =>
        database.WithDbAsync(async db =>
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Signatures.AddRange(signatures);
            await db.SaveChangesAsync();
            foreach (var day in signatures.Where(Counts).GroupBy(s => DateOnly.FromDateTime(s.ConfirmedAt!.Value)))
            {
                await Counters.AddAsync(db, day.Select(s => (s.CampaignId, s.CountryCode)), day.Key);
            }

            await transaction.CommitAsync();
        });

    /// <summary>A moderator's invalidation of the campaign, for signatures stored as set aside by it.</summary>
    public static Task<long> AddInvalidationAsync(TestDatabase database, Campaign campaign) =>
        database.WithDbAsync(async db =>
        {
            var invalidation = new Invalidation
            {
                CampaignId = campaign.Id,
                Description = "network 3fa9",
                InvalidatedBy = "moderator@example.org",
                InvalidatedAt = database.Clock.GetUtcNow().UtcDateTime,
            };
            db.Invalidations.Add(invalidation);
            await db.SaveChangesAsync();
            return invalidation.Id;
        });

    /// <summary>What the campaign's counters say: its total, and the sums by country and by day (each must equal the total).</summary>
    public static Task<(int Total, int ByCountry, int ByDay)> CountersAsync(TestDatabase database, Campaign campaign) =>
        database.WithDbAsync(async db => (
            await db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.SignatureCount).SingleAsync(),
            await db.CountryCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count),
            await db.DayCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count)));
}
