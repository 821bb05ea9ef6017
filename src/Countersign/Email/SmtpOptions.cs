using MailKit.Security;

namespace Countersign.Email;

/// <summary><c>Smtp:*</c> configuration: the mail server, or none for the outbox folder.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>The port of SMTP over TLS from the first byte (RFC 8314); every other port starts in plain text and asks for STARTTLS.</summary>
    public const int ImplicitTlsPort = 465;

    /// <summary>When empty, emails are written as .eml files to the data folder's outbox instead.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>
    /// Unset (the default): TLS is required, from the first byte on port 465 and through STARTTLS
    /// on any other, so a server, or someone between, that does not offer it gets neither the
    /// password nor a message. <c>StartTls</c> or <c>SslOnConnect</c> choose the way. <c>None</c>
    /// (plain text) and <c>StartTlsWhenAvailable</c> (plain text whenever STARTTLS is not offered,
    /// which anyone on the path can arrange) must be set explicitly, and are warned about at start.
    /// MailKit's <c>Auto</c>, the default before, falls back to plain text like the latter and is
    /// refused, so that nobody keeps it without knowing.
    /// </summary>
    public string? Security { get; set; }

    public const string SecurityProblem =
        "Smtp:Security must be unset (TLS required), StartTls, SslOnConnect, or to allow plain text None or StartTlsWhenAvailable.";

    /// <summary>How MailKit connects, or null if <see cref="Security"/> is none of the values above.</summary>
    public SecureSocketOptions? SocketOptions() => Security?.Trim().ToLowerInvariant() switch
    {
        null or "" => Port == ImplicitTlsPort ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls,
        "starttls" => SecureSocketOptions.StartTls,
        "sslonconnect" => SecureSocketOptions.SslOnConnect,
        "none" => SecureSocketOptions.None,
        "starttlswhenavailable" => SecureSocketOptions.StartTlsWhenAvailable,
        _ => null,
    };

    /// <summary>Whether messages, and the password, may travel in plain text.</summary>
    public bool AllowsPlainText => SocketOptions() is SecureSocketOptions.None or SecureSocketOptions.StartTlsWhenAvailable;
}
