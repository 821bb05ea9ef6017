using System.Security.Cryptography;
using Countersign.Comments;
using Countersign.Privacy;

namespace Countersign.Tests.Infrastructure;

/// <summary>A comment in a given state, as the comment form and its confirmation would have left it: one definition for the site tests and the fast ones.</summary>
public static class TestComments
{
    public static Comment Make(CampaignCipher cipher, int campaignId, string state, DateTime now, string text = "Nobody asked us about these cameras.") => new()
    {
        CampaignId = campaignId,
        NameCiphertext = cipher.Encrypt("Leïla Benali"),
        EmailCiphertext = cipher.Encrypt("leila.benali@example.org"),
        EmailKey = RandomNumberGenerator.GetBytes(32),
        TextCiphertext = cipher.Encrypt(text),
        Locale = "en",
        State = state,
        CreatedAt = now,
        ConfirmedAt = state == CommentState.Pending ? null : now,
        PublishedAt = state is CommentState.Published or CommentState.Hidden ? now : null,
    };
}
