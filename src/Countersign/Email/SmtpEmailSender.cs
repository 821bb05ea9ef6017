using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Countersign.Email;

public sealed partial class SmtpEmailSender : IEmailSender
{
    private readonly SmtpOptions _smtp;
    private readonly SecureSocketOptions _security;

    /// <summary>Made once, when the email worker starts: that is when a plain-text setting is warned about.</summary>
    public SmtpEmailSender(IOptions<SmtpOptions> options, ILogger<SmtpEmailSender> logger)
    {
        _smtp = options.Value;

        // Checked at start (see CountersignApp), so a wrong value never gets this far.
        _security = _smtp.SocketOptions() ?? throw new InvalidOperationException(SmtpOptions.SecurityProblem);
        if (_smtp.AllowsPlainText)
        {
            LogPlainText(logger, _security);
        }
    }

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(_smtp.Host ?? throw new InvalidOperationException("Smtp:Host is not set."), _smtp.Port, _security, cancellationToken);
        }
        catch (NotSupportedException) when (_security == SecureSocketOptions.StartTls)
        {
            throw new NoTlsException();
        }

        if (!string.IsNullOrEmpty(_smtp.Username))
        {
            await client.AuthenticateAsync(_smtp.Username, _smtp.Password ?? "", cancellationToken);
        }

        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }

    /// <summary>The server did not offer STARTTLS, so nothing was sent; its name is what the outbox records.</summary>
    public sealed class NoTlsException() : Exception("The mail server does not offer STARTTLS (TLS): nothing was sent. See Smtp:Security.");

    [LoggerMessage(Level = LogLevel.Warning, Message = "Smtp:Security is {Security}: emails, their confirmation and erase links, and the SMTP password may travel in plain text, readable by anyone on the network path.")]
    private static partial void LogPlainText(ILogger logger, SecureSocketOptions security);
}
