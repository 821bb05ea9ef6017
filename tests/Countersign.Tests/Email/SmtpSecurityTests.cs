using Countersign.Email;
using MailKit.Security;

namespace Countersign.Tests.Email;

/// <summary>Smtp:Security: TLS unless plain text is asked for by name.</summary>
public sealed class SmtpSecurityTests
{
    [Theory]
    [InlineData(null, 587, SecureSocketOptions.StartTls)]
    [InlineData("", 25, SecureSocketOptions.StartTls)]
    [InlineData(null, 465, SecureSocketOptions.SslOnConnect)]
    [InlineData("starttls", 465, SecureSocketOptions.StartTls)]
    [InlineData("SslOnConnect", 587, SecureSocketOptions.SslOnConnect)]
    [InlineData("None", 587, SecureSocketOptions.None)]
    [InlineData("StartTlsWhenAvailable", 587, SecureSocketOptions.StartTlsWhenAvailable)]
    public void Should_require_tls_unless_plain_text_is_set_explicitly(string? security, int port, SecureSocketOptions expected)
    {
        var smtp = new SmtpOptions { Security = security, Port = port };
        Assert.Equal(expected, smtp.SocketOptions());
        Assert.Equal(expected is SecureSocketOptions.None or SecureSocketOptions.StartTlsWhenAvailable, smtp.AllowsPlainText);
    }

    [Theory]
    [InlineData("Auto")]
    [InlineData("tls please")]
    public void Should_refuse_auto_which_falls_back_to_plain_text_and_unknown_values(string security) =>
        Assert.Null(new SmtpOptions { Security = security }.SocketOptions());
}
