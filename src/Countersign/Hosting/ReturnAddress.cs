using System.Text;

namespace Countersign.Hosting;

/// <summary>Where to go back to, as a request names it (<c>?returnUrl=</c>): the language switch and staff sign-in.</summary>
public static class ReturnAddress
{
    public const int MaxLength = 2048;

    /// <summary>
    /// The address if it is a path on this site, with every character outside printable ASCII
    /// percent-encoded (as UTF-8); null if it is not. Only paths: an open redirect would let others
    /// borrow our address for their links. A Location header carries ASCII only: "/c/été" made
    /// the server throw while writing it, a 500. Control characters and backslashes (which
    /// browsers read as slashes, so "/\evil.example" leaves the site) are refused outright.
    /// </summary>
    public static string? Local(string? returnUrl)
    {
        if (returnUrl is not { Length: > 0 and <= MaxLength } || returnUrl[0] != '/' || returnUrl.StartsWith("//", StringComparison.Ordinal)
            || returnUrl.Contains('\\', StringComparison.Ordinal) || returnUrl.Any(char.IsControl))
        {
            return null;
        }

        if (returnUrl.All(c => c is > ' ' and < '\u007f'))
        {
            return returnUrl;
        }

        var encoded = new StringBuilder(returnUrl.Length * 3);
        for (var i = 0; i < returnUrl.Length;)
        {
            if (returnUrl[i] is > ' ' and < '\u007f')
            {
                encoded.Append(returnUrl[i++]);
                continue;
            }

            // A run of other characters is encoded at once, so a surrogate pair stays one character;
            // a lone surrogate becomes U+FFFD, as UTF-8 cannot carry it.
            var start = i;
            while (i < returnUrl.Length && returnUrl[i] is not (> ' ' and < '\u007f'))
            {
                i++;
            }

            foreach (var b in Encoding.UTF8.GetBytes(returnUrl[start..i]))
            {
                encoded.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
