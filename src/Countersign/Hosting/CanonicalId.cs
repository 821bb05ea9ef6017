using System.Globalization;

namespace Countersign.Hosting;

/// <summary>
/// A record's id as the site itself writes it in an address: decimal digits with no sign, no
/// leading zero, no spaces, above zero and within range. <c>int.TryParse</c> and the built-in
/// <c>{id:int}</c> constraint also take "+1", " 1" and "01", so one id had several spellings, and
/// a check that could not read one spelling let the request through to a page that could.
/// </summary>
public static class CanonicalId
{
    /// <summary>The route constraint's name: <c>{id:digits}</c>.</summary>
    public const string ConstraintName = "digits";

    public static bool TryParse(string? text, out long id)
    {
        id = 0;
        return IsCanonical(text) && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    public static bool TryParse(string? text, out int id)
    {
        id = 0;
        return IsCanonical(text) && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    /// <summary>ASCII digits only, not starting with 0 (so not 0 itself): the parsers do the rest, range included.</summary>
    private static bool IsCanonical(string? text) => text is { Length: > 0 } && text[0] != '0' && text.All(char.IsAsciiDigit);
}

/// <summary>
/// <c>{id:digits}</c>: the route matches only an id spelled as <see cref="CanonicalId"/> says, so
/// any other spelling is a page that does not exist (404) before any filter or handler runs.
/// <c>{id:digits(new)}</c> also matches that one word, for a page that drafts a new record.
/// </summary>
public sealed class CanonicalIdRouteConstraint(string? alsoAllowed) : IRouteConstraint
{
    public CanonicalIdRouteConstraint()
        : this(null)
    {
    }

    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        values.TryGetValue(routeKey, out var value) && value switch
        {
            string text => CanonicalId.TryParse(text, out long _) || (alsoAllowed is not null && text == alsoAllowed),
            int number => number > 0,
            long number => number > 0,
            _ => false,
        };
}
