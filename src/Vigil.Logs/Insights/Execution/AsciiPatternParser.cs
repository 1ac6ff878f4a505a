namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// Reads the subset of .NET regex syntax <see cref="AsciiPattern"/> handles, as atoms and capturing groups (in the
/// order their parentheses open, each as the atom boundaries it spans). Null for anything outside the subset, and for
/// anything it is unsure how .NET reads: the caller then keeps the pattern on <see cref="System.Text.RegularExpressions.Regex"/>.
/// The pattern has already compiled in .NET, so it is well formed.
/// </summary>
internal static class AsciiPatternParser
{
    private const ulong All = ulong.MaxValue;
    private const ulong DigitsLow = 0x03FF_0000_0000_0000; // '0'..'9' are 48..57
    private const ulong SpaceLow = (1UL << ' ') | (1UL << '\t') | (1UL << '\n') | (1UL << '\v') | (1UL << '\f') | (1UL << '\r');
    private const ulong UpperHigh = 0x07FF_FFFE; // 'A'..'Z' are 65..90
    private const ulong LowerHigh = 0x07FF_FFFE_0000_0000; // 'a'..'z' are 97..122
    private const ulong UnderscoreHigh = 1UL << ('_' - 64);
    private const ulong NewlineLow = 1UL << '\n';

    public readonly record struct Capture(string? Name, int Open, int Close);

    public static (List<Atom> Atoms, List<Capture> Captures)? Parse(string pattern, bool singleline)
    {
        var atoms = new List<Atom>();
        var captures = new List<Capture>();
        var open = new Stack<int>(); // index into captures, or -1 for a non-capturing group
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            (ulong Low, ulong High)? set;
            switch (c)
            {
                case '(':
                    if (!OpenGroup(pattern, ref i, captures, atoms.Count, open))
                    {
                        return null;
                    }

                    continue;
                case ')':
                    if (open.Count == 0)
                    {
                        return null;
                    }

                    var index = open.Pop();
                    if (index >= 0)
                    {
                        captures[index] = captures[index] with { Close = atoms.Count };
                    }

                    i++;
                    if (i < pattern.Length && pattern[i] is '*' or '+' or '?' or '{')
                    {
                        return null; // A quantified group (or a literal '{' after one: not worth telling apart).
                    }

                    continue;
                case '[':
                    set = ReadClass(pattern, ref i);
                    break;
                case '\\':
                    set = ReadEscape(pattern, ref i);
                    break;
                case '.':
                    set = (singleline ? All : All & ~NewlineLow, All);
                    i++;
                    break;
                case '|' or '^' or '$' or '*' or '+' or '?' or '{' or '}' or ']':
                    return null;
                default:
                    set = c < 128 ? Of(c) : null;
                    i++;
                    break;
            }

            if (set is not { } members || !ReadQuantifier(pattern, ref i, out var min, out var max))
            {
                return null;
            }

            atoms.Add(new Atom(members.Low, members.High, min, max));
        }

        return open.Count == 0 ? (atoms, captures) : null;
    }

    private static bool OpenGroup(string pattern, ref int i, List<Capture> captures, int boundary, Stack<int> open)
    {
        if (i + 1 >= pattern.Length || pattern[i + 1] != '?')
        {
            captures.Add(new Capture(null, boundary, -1));
            open.Push(captures.Count - 1);
            i++;
            return true;
        }

        if (i + 2 < pattern.Length && pattern[i + 2] == ':')
        {
            open.Push(-1);
            i += 3;
            return true;
        }

        if (i + 2 >= pattern.Length || pattern[i + 2] is not ('<' or '\''))
        {
            return false; // Lookarounds, inline options, comments, conditionals.
        }

        var terminator = pattern[i + 2] == '<' ? '>' : '\'';
        var start = i + 3;
        var end = start;
        while (end < pattern.Length && (char.IsAsciiLetterOrDigit(pattern[end]) || pattern[end] == '_'))
        {
            end++;
        }

        // Not a plain name: lookbehinds ("(?<=", "(?<!"), balancing groups, numbered names.
        if (end == start || end >= pattern.Length || pattern[end] != terminator || char.IsAsciiDigit(pattern[start]))
        {
            return false;
        }

        var name = pattern[start..end];
        if (captures.Exists(c => c.Name == name))
        {
            return false;
        }

        captures.Add(new Capture(name, boundary, -1));
        open.Push(captures.Count - 1);
        i = end + 1;
        return true;
    }

    private static bool ReadQuantifier(string pattern, ref int i, out int min, out int max)
    {
        (min, max) = (1, 1);
        if (i >= pattern.Length)
        {
            return true;
        }

        switch (pattern[i])
        {
            case '*': (min, max) = (0, int.MaxValue); i++; break;
            case '+': (min, max) = (1, int.MaxValue); i++; break;
            case '?': (min, max) = (0, 1); i++; break;
            case '{':
                if (!ReadCount(pattern, ref i, out min, out max))
                {
                    return false;
                }

                break;
            default:
                return true;
        }

        return i >= pattern.Length || pattern[i] != '?'; // Lazy quantifiers backtrack the other way round.
    }

    /// <summary>{n}, {n,} or {n,m}; anything else after an atom is refused (.NET may read it as literal text).</summary>
    private static bool ReadCount(string pattern, ref int i, out int min, out int max)
    {
        (min, max) = (0, 0);
        var close = pattern.IndexOf('}', i);
        if (close < 0)
        {
            return false;
        }

        var body = pattern.AsSpan(i + 1, close - i - 1);
        var comma = body.IndexOf(',');
        var low = comma < 0 ? body : body[..comma];
        if (!TryCount(low, out min))
        {
            return false;
        }

        if (comma < 0)
        {
            max = min;
        }
        else if (comma == body.Length - 1)
        {
            max = int.MaxValue;
        }
        else if (!TryCount(body[(comma + 1)..], out max) || max < min)
        {
            return false;
        }

        i = close + 1;
        return true;
    }

    private static bool TryCount(ReadOnlySpan<char> digits, out int value)
    {
        value = 0;
        if (digits.Length is 0 or > 6)
        {
            return false;
        }

        foreach (var d in digits)
        {
            if (!char.IsAsciiDigit(d))
            {
                return false;
            }

            value = (value * 10) + (d - '0');
        }

        return true;
    }

    /// <summary>An escape outside a class: a shorthand class or an escaped punctuation character.</summary>
    private static (ulong, ulong)? ReadEscape(string pattern, ref int i)
    {
        if (i + 1 >= pattern.Length)
        {
            return null;
        }

        var e = pattern[i + 1];
        i += 2;
        return Shorthand(e) ?? (Control(e) is { } control ? Of(control) : e < 128 && !char.IsAsciiLetterOrDigit(e) && e != '_' ? Of(e) : null);
    }

    private static (ulong, ulong)? Shorthand(char e) => e switch
    {
        'd' => (DigitsLow, 0),
        'D' => (~DigitsLow, All),
        'w' => (DigitsLow, UpperHigh | LowerHigh | UnderscoreHigh),
        'W' => (~DigitsLow, ~(UpperHigh | LowerHigh | UnderscoreHigh)),
        's' => (SpaceLow, 0),
        'S' => (~SpaceLow, All),
        _ => null,
    };

    private static char? Control(char e) => e switch
    {
        't' => '\t',
        'n' => '\n',
        'r' => '\r',
        'f' => '\f',
        'v' => '\v',
        'e' => '\u001b',
        'a' => '\a',
        _ => null,
    };

    /// <summary>A character class: members, ranges, shorthands, escapes; no subtraction.</summary>
    private static (ulong, ulong)? ReadClass(string pattern, ref int i)
    {
        i++;
        var negated = i < pattern.Length && pattern[i] == '^';
        if (negated)
        {
            i++;
        }

        ulong low = 0, high = 0;
        var first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            first = false;
            char from;
            if (pattern[i] == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    return null;
                }

                var e = pattern[i + 1];
                i += 2;
                if (Shorthand(e) is { } shorthand)
                {
                    if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
                    {
                        return null; // "[\d-z]": not a range; leave .NET's reading to .NET.
                    }

                    (low, high) = (low | shorthand.Item1, high | shorthand.Item2);
                    continue;
                }

                if (Control(e) is { } control)
                {
                    from = control;
                }
                else if (e < 128 && !char.IsAsciiLetterOrDigit(e) && e != '_')
                {
                    from = e;
                }
                else
                {
                    return null;
                }
            }
            else if (pattern[i] == '[')
            {
                return null; // "[" inside a class: .NET reads "-[" as subtraction; stay out of it.
            }
            else
            {
                from = pattern[i++];
            }

            var to = from;
            if (i + 1 < pattern.Length && pattern[i] == '-' && pattern[i + 1] != ']')
            {
                if (pattern[i + 1] is '\\' or '[')
                {
                    return null;
                }

                to = pattern[i + 1];
                i += 2;
            }

            if (from >= 128 || to >= 128 || to < from)
            {
                return null;
            }

            for (var ch = from; ch <= to; ch++)
            {
                var (l, h) = Of(ch);
                (low, high) = (low | l, high | h);
            }
        }

        if (i >= pattern.Length)
        {
            return null;
        }

        i++; // past ']'
        return negated ? (~low, ~high) : (low, high);
    }

    private static (ulong Low, ulong High) Of(char c) => c < 64 ? (1UL << c, 0) : (0, 1UL << (c - 64));
}
