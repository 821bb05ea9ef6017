namespace Countersign.Email;

/// <summary><c>Email:*</c> and <c>Smtp:*</c> configuration.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string From { get; set; } = "Countersign <no-reply@countersign.localhost>";

    /// <summary>How many due messages the worker sends per round.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>
    /// Leaves every email waiting in the outbox table (for benchmarks that measure signing alone).
    /// Nothing is lost: the emails go out once sending is resumed.
    /// </summary>
    public bool SendingPaused { get; set; }
}

public sealed class SmtpOptions
{
    public const string Section = "Smtp";

    /// <summary>When empty, emails are written as .eml files to the data folder's outbox instead.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>None, Auto, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "Auto";
}
