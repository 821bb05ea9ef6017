using Countersign.Campaigns;
using Countersign.Email;

namespace Countersign.Signing;

/// <summary>
/// A signature ready to store. Everything costly (encryption, the email) is prepared on the
/// request's thread; the writer only decides whether it is new and writes it.
/// </summary>
public sealed class SignRequest : IntakeItem
{
    public required Campaign Campaign { get; init; }
    public required Signature Signature { get; init; }

    /// <summary>The confirmation email, used when the signature is new; none for a signature a bot check invalidated.</summary>
    public required OutboxMessage? ConfirmationEmail { get; set; }

    /// <summary>The proof-of-work challenge this signature spent, recorded by the writer.</summary>
    public SpentChallenge? Proof { get; init; }

    /// <summary>Kept in memory only, to write a repeat email to the address in the signer's language.</summary>
    public required string Email { get; init; }
    public required string Locale { get; init; }

    /// <summary>The writer found the proof of work spent before: stored invalidated, no email.</summary>
    internal void SetAsideAsReplay()
    {
        Signature.State = SignatureState.Invalidated;
        Signature.InvalidatedBecause = BotChecks.ReplayedReason;
        Signature.ConfirmationTokenHash = null;
        Signature.ConfirmationTokenExpiresAt = null;
        ConfirmationEmail = null;
    }
}
