using Countersign.Campaigns;
using Countersign.Data;
using Countersign.Email;
using Countersign.Privacy;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Letters;

/// <summary>
/// What a change to a letter's text means for the organisations that signed it. Their signatures stay on the version
/// they signed (each points at its <see cref="LetterVersion"/>), so nothing moves; each one confirmed or approved is
/// told by email, with the link to the differences and the link to withdraw.
/// </summary>
public sealed class LetterRevisions(CountersignDb db, CampaignKeys campaignKeys, CoSignerEmails emails, Outbox outbox)
{
    /// <summary>Whether the letter reads differently in <paramref name="after"/> than in <paramref name="before"/>.</summary>
    public static bool Changed(CampaignContent before, CampaignContent after) =>
        !LetterVersion.HashOf(before.LetterAddressees, before.Letter, before.LetterCalls)
            .AsSpan().SequenceEqual(LetterVersion.HashOf(after.LetterAddressees, after.Letter, after.LetterCalls));

    /// <summary>
    /// Queues the email to every organisation whose contact confirmed and that signed another wording than the letter's
    /// as it reads now, in the caller's transaction (the outbox commits with the change). Returns how many were told.
    /// </summary>
    public async Task<int> TellSignatoriesAsync(Campaign campaign, CancellationToken cancellationToken)
    {
        var current = LetterVersion.HashOf(campaign.LetterAddressees, campaign.LetterMarkdown, campaign.LetterCalls);
        var signed = await (
            from signature in db.CoSignatures.AsNoTracking()
            join version in db.LetterVersions.AsNoTracking() on signature.LetterVersionId equals version.Id
            where signature.CampaignId == campaign.Id && (signature.State == CoSignatureState.Verified || signature.State == CoSignatureState.Approved)
            select new { signature.Id, signature.Name, signature.ContactNameCiphertext, signature.ContactEmailCiphertext, signature.Locale, version.Number, version.Hash })
            .ToListAsync(cancellationToken);
        var told = signed.Where(s => !s.Hash.AsSpan().SequenceEqual(current)).ToList();
        if (told.Count == 0)
        {
            return 0;
        }

        var cipher = await campaignKeys.ForCampaignAsync(campaign.Id, cancellationToken);
        foreach (var signature in told)
        {
            var contact = new CoSignerContact(signature.Id, CoSignerContact.Reveal(cipher, signature.ContactNameCiphertext),
                CoSignerContact.Reveal(cipher, signature.ContactEmailCiphertext), signature.Locale);
            if (contact.CanBeEmailed)
            {
                outbox.Add(db, CoSignerEmails.TextChangedKind, emails.TextChanged(campaign, contact, signature.Name, signature.Number));
            }
        }

        return told.Count;
    }
}
