using System.Globalization;

namespace Countersign.Hosting;

/// <summary>Runs a block in another language, for emails written in the signer's language rather than the request's.</summary>
public sealed class CultureScope : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    public CultureScope(string locale)
    {
        var language = CultureInfo.GetCultureInfo(locale);
        CultureInfo.CurrentCulture = CountersignApp.FormatsOf(language.TwoLetterISOLanguageName);
        CultureInfo.CurrentUICulture = language;
    }

    public void Dispose()
    {
        CultureInfo.CurrentCulture = _culture;
        CultureInfo.CurrentUICulture = _uiCulture;
    }
}
