using System.Globalization;
using System.Text;

namespace Countersign.Localisation;

/// <summary>
/// A message written in ICU MessageFormat's plural syntax, the one translation tools know:
/// <c>{0, plural, one {# signature} other {# signatures}} of {1}</c>. Each count picks the branch
/// of its category under the language's CLDR rules (an exact <c>=0</c> branch first, "other" when
/// the category has none); <c>#</c> in a branch is the count. Of ICU's syntax, this takes what
/// counts in sentences need: numbered arguments, <c>plural</c>, and ICU's apostrophes (two make
/// one; one before a brace or <c>#</c> starts quoted text, up to the next one). ICU4N, the .NET
/// port of ICU, keeps its MessageFormat internal, so the app parses this subset itself.
/// </summary>
public sealed class PluralMessage
{
    private static readonly string[] Keywords = ["zero", "one", "two", "few", "many", PluralRules.Other];

    private readonly IReadOnlyList<Part> _parts;

    private PluralMessage(string pattern, IReadOnlyList<Part> parts)
    {
        Pattern = pattern;
        _parts = parts;
    }

    public string Pattern { get; }

    /// <summary>The numbered arguments the message shows, counts included.</summary>
    public IReadOnlySet<int> Arguments => Descendants(_parts).Select(part => part switch
    {
        Argument argument => argument.Index,
        Choice choice => choice.Index,
        _ => -1,
    }).Where(index => index >= 0).ToHashSet();

    /// <summary>Whether a message is in plural syntax, so that a test can find every one in a resource file.</summary>
    public static bool LooksPlural(string text) => text.Contains(", plural,", StringComparison.Ordinal);

    /// <summary>Reads a message; a <see cref="FormatException"/> says where it breaks the syntax.</summary>
    public static PluralMessage Parse(string pattern) => new(pattern, new Parser(pattern).Read());

    /// <summary>The categories a language's rules need that a count of this message offers no branch for.</summary>
    public IReadOnlyList<string> MissingCategories(PluralRules rules) =>
        Descendants(_parts).OfType<Choice>()
            .SelectMany(choice => rules.Categories.Where(category => !choice.Branches.ContainsKey(category)))
            .Distinct()
            .ToList();

    /// <summary>The message with its arguments: counts in the forms of the rules' language, numbers in the culture's digits.</summary>
    public string Format(PluralRules rules, CultureInfo culture, IReadOnlyList<object> arguments)
    {
        var text = new StringBuilder();
        Write(_parts, count: null);
        return text.ToString();

        void Write(IReadOnlyList<Part> parts, long? count)
        {
            foreach (var part in parts)
            {
                switch (part)
                {
                    case Text literal:
                        text.Append(literal.Value);
                        break;
                    case Hash when count is { } number:
                        text.Append(number.ToString("N0", culture));
                        break;
                    case Argument argument:
                        text.Append(Show(ArgumentAt(argument.Index), culture));
                        break;
                    case Choice choice:
                        var value = WholeNumber(ArgumentAt(choice.Index), choice.Index);
                        var exact = "=" + value.ToString(CultureInfo.InvariantCulture);
                        var branch = choice.Branches.GetValueOrDefault(exact)
                            ?? choice.Branches.GetValueOrDefault(rules.Select(value))
                            ?? choice.Branches[PluralRules.Other];
                        Write(branch, value);
                        break;
                }
            }
        }

        object ArgumentAt(int index) => index < arguments.Count
            ? arguments[index]
            : throw new ArgumentException($"The message \"{Pattern}\" shows argument {index}, and only {arguments.Count} were given.", nameof(arguments));
    }

    private static string Show(object value, CultureInfo culture) => value switch
    {
        int or long or short or uint or ushort => Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString("N0", culture),
        IFormattable formattable => formattable.ToString(null, culture),
        _ => value.ToString() ?? "",
    };

    private static long WholeNumber(object value, int index) => value is int or long or short or uint or ushort or byte
        ? Convert.ToInt64(value, CultureInfo.InvariantCulture)
        : throw new ArgumentException($"Argument {index} is counted, so it must be a whole number; it is a {value.GetType().Name}.", nameof(value));

    private static IEnumerable<Part> Descendants(IReadOnlyList<Part> parts) =>
        parts.SelectMany(part => part is Choice choice ? choice.Branches.Values.SelectMany(Descendants).Prepend(part) : [part]);

    private abstract record Part;

    private sealed record Text(string Value) : Part;

    private sealed record Argument(int Index) : Part;

    /// <summary>"#": the count of the branch it is in.</summary>
    private sealed record Hash : Part;

    private sealed record Choice(int Index, IReadOnlyDictionary<string, IReadOnlyList<Part>> Branches) : Part;

    private sealed class Parser(string pattern)
    {
        private int _at;

        public IReadOnlyList<Part> Read()
        {
            var parts = Message(inBranch: false);
            return _at == pattern.Length ? parts : throw Error("a closing brace without an opening one");
        }

        private List<Part> Message(bool inBranch)
        {
            var parts = new List<Part>();
            var text = new StringBuilder();
            while (_at < pattern.Length && !(pattern[_at] == '}' && inBranch))
            {
                var next = pattern[_at];
                if (next == '\'')
                {
                    Apostrophe(text, inBranch);
                }
                else if (next == '{' || (next == '#' && inBranch))
                {
                    Flush();
                    parts.Add(next == '{' ? Placeholder() : new Hash());
                    if (next == '#')
                    {
                        _at++;
                    }
                }
                else if (next == '}')
                {
                    break;
                }
                else
                {
                    text.Append(next);
                    _at++;
                }
            }

            Flush();
            return parts;

            void Flush()
            {
                if (text.Length > 0)
                {
                    parts.Add(new Text(text.ToString()));
                    text.Clear();
                }
            }
        }

        /// <summary>ICU's apostrophes: '' is one; ' before a brace or # quotes up to the next lone one; any other is itself.</summary>
        private void Apostrophe(StringBuilder text, bool inBranch)
        {
            var following = _at + 1 < pattern.Length ? pattern[_at + 1] : '\0';
            if (following == '\'')
            {
                text.Append('\'');
                _at += 2;
                return;
            }

            if (following is not ('{' or '}' or '|') && !(following == '#' && inBranch))
            {
                text.Append('\'');
                _at++;
                return;
            }

            _at++;
            while (_at < pattern.Length)
            {
                if (pattern[_at] == '\'')
                {
                    if (_at + 1 < pattern.Length && pattern[_at + 1] == '\'')
                    {
                        text.Append('\'');
                        _at += 2;
                        continue;
                    }

                    _at++;
                    return;
                }

                text.Append(pattern[_at++]);
            }
        }

        /// <summary>"{1}" or "{0, plural, one {…} other {…}}", from its opening brace.</summary>
        private Part Placeholder()
        {
            _at++;
            var index = Number();
            SkipSpaces();
            if (Take('}'))
            {
                return new Argument(index);
            }

            Expect(',');
            SkipSpaces();
            if (Word() != "plural")
            {
                throw Error("an argument that is neither plain (\"{1}\") nor plural (\"{0, plural, …}\")");
            }

            SkipSpaces();
            Expect(',');
            var branches = new Dictionary<string, IReadOnlyList<Part>>(StringComparer.Ordinal);
            while (true)
            {
                SkipSpaces();
                if (Take('}'))
                {
                    break;
                }

                if (_at == pattern.Length)
                {
                    throw Error("a plural with no closing brace");
                }

                var selector = Take('=') ? "=" + Number().ToString(CultureInfo.InvariantCulture) : Word();
                if (!selector.StartsWith('=') && !Keywords.Contains(selector))
                {
                    throw Error($"\"{selector}\", which is not a plural category (zero, one, two, few, many, other) nor an exact value (=0)");
                }

                SkipSpaces();
                Expect('{');
                if (!branches.TryAdd(selector, Message(inBranch: true)))
                {
                    throw Error($"a second \"{selector}\" branch");
                }

                Expect('}');
            }

            return branches.ContainsKey(PluralRules.Other)
                ? new Choice(index, branches)
                : throw Error("a plural without its \"other\" branch");
        }

        private int Number()
        {
            SkipSpaces();
            var start = _at;
            while (_at < pattern.Length && char.IsAsciiDigit(pattern[_at]))
            {
                _at++;
            }

            return _at > start ? int.Parse(pattern.AsSpan(start, _at - start), CultureInfo.InvariantCulture) : throw Error("a brace without an argument number");
        }

        private string Word()
        {
            var start = _at;
            while (_at < pattern.Length && char.IsAsciiLetterLower(pattern[_at]))
            {
                _at++;
            }

            return pattern[start.._at];
        }

        private void SkipSpaces()
        {
            while (_at < pattern.Length && char.IsWhiteSpace(pattern[_at]))
            {
                _at++;
            }
        }

        private bool Take(char expected)
        {
            if (_at < pattern.Length && pattern[_at] == expected)
            {
                _at++;
                return true;
            }

            return false;
        }

        private void Expect(char expected)
        {
            if (!Take(expected))
            {
                throw Error($"something else where '{expected}' belongs");
            }
        }

        private FormatException Error(string found) =>
            new($"The message \"{pattern}\" has {found}, at character {_at + 1}.");
    }
}
