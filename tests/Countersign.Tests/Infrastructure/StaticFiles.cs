using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Countersign.Tests.Infrastructure;

/// <summary>Stylesheets and scripts as pages link them and as the site sends them.</summary>
public static partial class StaticFiles
{
    /// <summary>
    /// A link to a stylesheet or script without the fingerprint of its content that the build puts in its name
    /// (<c>/css/site.6t4omjbq0k.css</c> is <c>/css/site.css</c>): what tests name, whatever the file holds today.
    /// </summary>
    public static string? Unfingerprinted(string? link) => link is null ? null : Fingerprint().Replace(link, "${file}${extension}");

    /// <summary>The body of a response sent with <c>Content-Encoding: br</c>, decompressed.</summary>
    public static byte[] Unbrotli(byte[] compressed)
    {
        using var brotli = new BrotliStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var whole = new MemoryStream();
        brotli.CopyTo(whole);
        return whole.ToArray();
    }

    [GeneratedRegex(@"^(?<file>/.+)\.[a-z0-9]{10}(?<extension>\.[a-z]+)$")]
    private static partial Regex Fingerprint();
}
