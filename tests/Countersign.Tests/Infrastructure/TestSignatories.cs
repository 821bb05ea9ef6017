using System.Security.Cryptography;
using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Letters;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Countersign.Tests.Infrastructure;

/// <summary>
/// An organisation's co-signature in a given state, as the co-sign form, its confirmation and the organisers' decision
/// would have left it, on the letter's current wording: one definition for the site tests and the fast ones.
/// </summary>
public static class TestSignatories
{
    public const string ContactName = "Ines Duarte";
    public const string ContactRole = "General secretary";
    public const string ContactEmail = "ines.duarte@unions.example.org";

    /// <summary>Stores the co-signature (and the letter's wording as a version, the first time it is signed).</summary>
    public static async Task<CoSignature> AddAsync(CountersignDb db, CampaignCipher cipher, Campaign campaign, string state, DateTime now,
        string name = "Federation of University Unions", long? parentId = null)
    {
        var hash = LetterVersion.HashOf(campaign.LetterAddressees, campaign.LetterMarkdown, campaign.LetterCalls);
        var version = await db.LetterVersions.FirstOrDefaultAsync(v => v.CampaignId == campaign.Id && v.Hash == hash);
        if (version is null)
        {
            version = LetterVersion.Of(campaign, await db.LetterVersions.CountAsync(v => v.CampaignId == campaign.Id) + 1, now);
            db.LetterVersions.Add(version);
            await db.SaveChangesAsync();
        }

        var signature = new CoSignature
        {
            CampaignId = campaign.Id,
            LetterVersionId = version.Id,
            Name = name,
            Description = "6,000 staff at 13 universities",
            Members = 6000,
            Kind = OrganisationKind.Union,
            CountryCode = "PT",
            Website = "https://unions.example.org",
            ParentId = parentId,
            ContactNameCiphertext = cipher.Encrypt(ContactName),
            ContactRoleCiphertext = cipher.Encrypt(ContactRole),
            ContactEmailCiphertext = cipher.Encrypt(ContactEmail),
            EmailKey = RandomNumberGenerator.GetBytes(32),
            DomainVerified = true,
            Locale = "en",
            State = state,
            CreatedAt = now,
            ConfirmedAt = state == CoSignatureState.Pending ? null : now,
            DecidedAt = state is CoSignatureState.Approved or CoSignatureState.Rejected ? now : null,
            RejectionReason = state == CoSignatureState.Rejected ? "We could not reach the union." : null,
            WithdrawnAt = state == CoSignatureState.Withdrawn ? now : null,
        };
        db.CoSignatures.Add(signature);
        await db.SaveChangesAsync();
        return signature;
    }

    /// <summary>Gives the campaign an open letter, in the database and in the object the tests hold.</summary>
    public static async Task WriteLetterAsync(CountersignDb db, Campaign campaign)
    {
        var stored = await db.Campaigns.SingleAsync(c => c.Id == campaign.Id);
        foreach (var target in new[] { stored, campaign })
        {
            target.LetterAddressees = "The conference's programme committee";
            target.LetterMarkdown = "We, the undersigned organisations, ask you to end the sponsorship.";
            target.LetterCalls = ["End the sponsorship", "Publish the contract"];
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Gives the site's campaign a letter if it has none, and a co-signature in <paramref name="state"/>; returns its id.</summary>
    public static async Task<long> AddAsync(TestSite site, Campaign campaign, string state, string name = "Federation of University Unions")
    {
        if (!campaign.HasLetter)
        {
            await site.QueryAsync(async db =>
            {
                await WriteLetterAsync(db, campaign);
                return 0;
            });
        }

        var cipher = await site.Services.GetRequiredService<CampaignKeys>().ForCampaignAsync(campaign.Id);
        return (await site.QueryAsync(db => AddAsync(db, cipher, campaign, state, site.Clock.GetUtcNow().UtcDateTime, name))).Id;
    }
}
