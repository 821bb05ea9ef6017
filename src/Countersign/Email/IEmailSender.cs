using MimeKit;

namespace Countersign.Email;

/// <summary>Delivers one finished message: over SMTP, or into the outbox folder when no server is set.</summary>
public interface IEmailSender
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}
