using Countersign.Data;
using Countersign.Signing;
using Microsoft.EntityFrameworkCore;

namespace Countersign.Campaigns;

/// <summary>How many counted signatures one share channel brought (<see cref="Referral.Codes"/>), or none (<see cref="Code"/> null: direct).</summary>
public sealed record ReferralCount(string? Code, int Signatures);

/// <summary>
/// The organisers' figures on sharing: a campaign's counted signatures per share channel, counts only. A channel with
/// none is listed too, since a channel that brought nobody is worth knowing about.
/// </summary>
public sealed class ReferralCounts(CountersignDb db)
{
    /// <summary>Every channel and "direct", the most signatures first, then in <see cref="Referral.Codes"/>' order; they add up to the campaign's count.</summary>
    public async Task<IReadOnlyList<ReferralCount>> ForCampaignAsync(int campaignId, CancellationToken cancellationToken = default)
    {
        var counted = await db.Signatures.Where(s => s.CampaignId == campaignId).Where(Signature.Counts)
            .GroupBy(s => s.Referral)
            .Select(channel => new { Code = channel.Key, Signatures = channel.Count() })
            .ToDictionaryAsync(channel => channel.Code ?? "", channel => channel.Signatures, cancellationToken);

        // A code we no longer offer (none yet) would be counted with the direct ones rather than lost from the total.
        var direct = counted.Where(channel => Referral.Parse(channel.Key) is null).Sum(channel => channel.Value);
        return Referral.Codes.Select(code => new ReferralCount(code, counted.GetValueOrDefault(code)))
            .Append(new ReferralCount(null, direct))
            .Select((channel, order) => (channel, order))
            .OrderByDescending(row => row.channel.Signatures).ThenBy(row => row.order)
            .Select(row => row.channel)
            .ToList();
    }
}
