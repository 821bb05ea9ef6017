namespace Countersign.Abuse;

/// <summary>
/// <c>RateLimits:*</c>: how many signatures one source may add to a campaign before the rest are
/// held for a moderator, and how many requests one address may send before it is told to slow down.
/// The signature defaults are the UK Parliament petitions site's: one signature a minute from an
/// address, five in five minutes.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimits";

    /// <summary>Signatures from one IP address to one campaign.</summary>
    public SignatureLimit PerAddress { get; set; } = new() { Burst = 1, Sustained = 5 };

    /// <summary>Signatures from one network (an IPv4 /24 or an IPv6 /64) to one campaign.</summary>
    public SignatureLimit PerNetwork { get; set; } = new() { Burst = 10, Sustained = 50 };

    /// <summary>
    /// Signatures from one IPv6 /48 to one campaign, whichever of its /64s they come from: twice the
    /// per-network limit, since a /48 is often a whole office or campus. IPv4 has no such limit (its
    /// /24 is already the network).
    /// </summary>
    public SignatureLimit PerWideNetwork { get; set; } = new() { Burst = 20, Sustained = 100 };

    /// <summary>Signatures with addresses at one email domain to one campaign, except <see cref="CommonEmailDomains"/>.</summary>
    public SignatureLimit PerEmailDomain { get; set; } = new() { Burst = 20, Sustained = 100 };

    /// <summary>
    /// Mail services so many people use that their share of a campaign says nothing about abuse;
    /// the per-domain limit does not apply to them.
    /// </summary>
    public List<string> CommonEmailDomains { get; set; } =
    [
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "hotmail.fr", "live.com", "live.fr",
        "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "pm.me", "gmx.de", "gmx.net", "gmx.fr", "web.de", "orange.fr", "wanadoo.fr", "free.fr", "laposte.net",
        "sfr.fr", "btinternet.com", "sky.com", "virginmedia.com", "posteo.de", "mailbox.org", "tutanota.com", "fastmail.com", "riseup.net",
    ];

    /// <summary>Requests (of any kind) one IP address, or one IPv6 /64, may send in <see cref="FloodWindowSeconds"/> before getting 429 Too Many Requests.</summary>
    public int FloodRequests { get; set; } = 300;

    public int FloodWindowSeconds { get; set; } = 10;

    /// <summary>Signatures from one network or email domain in an hour above which the moderators' report marks it as unusual.</summary>
    public int UnusualPerHour { get; set; } = 50;
}
