using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Logs.FilterPatterns.Syntax;

/// <summary>Checks a <c>%regex%</c> body against the subset AWS documents and rewrites it for .NET.</summary>
/// <remarks>
/// AWS allows letters, digits, the symbols <c>: _ # = @ / ; , -</c> and space, and the operators
/// <c>^ $ ? [ ] { } | \ * + .</c>; escapes <c>\d \D \s \S \w \W \xhh</c> and an escaped symbol or operator. No groups,
/// no non-ASCII. The rewrite pins AWS's meanings where .NET's differ: classes are ASCII (.NET's <c>\d</c> takes every
/// Unicode digit), <c>.</c> takes newlines too, <c>$</c> is the very end (not "before a final newline"), and
/// <c>{,n}</c> means <c>{0,n}</c>. Quantifiers are validated here so .NET never sees a syntax it would read
/// differently (lazy <c>*?</c>, possessive forms).
/// </remarks>
internal static class RegexTranslator
{
    private const string Digit = "0-9";
    private const string NotDigit = @"\x00-/:-\uFFFF";
    private const string Word = "a-zA-Z0-9_";
    private const string NotWord = @"\x00-/:-@\[-\^`{-\uFFFF";
    private const string Space = @"\t\n\v\f\r ";
    private const string NotSpace = @"\x00-\x08\x0E-\x1F!-\uFFFF";

    /// <summary>Compiles <paramref name="text"/>[start..end) (the body between the percent signs).</summary>
    public static Regex Compile(string text, int start, int end)
    {
        var net = Translate(text, start, end);
        try
        {
            // AWS's subset has no groups, lookarounds or backreferences, so the linear-time engine takes every pattern:
            // no input (a*a*a*a*b on a 256 KB line) can stall a scan, and no time limit can drop a match on a busy machine.
            return new Regex(net, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Singleline);
        }
        catch (ArgumentException e)
        {
            throw new FilterPatternException($"invalid regex ({e.Message})", start);
        }
    }

    internal static string Translate(string text, int start, int end)
    {
        if (start == end)
        {
            throw new FilterPatternException("empty regex", start);
        }
        var sb = new StringBuilder(end - start + 16);
        var canRepeat = false; // is there an atom for a quantifier to apply to?
        var i = start;
        while (i < end)
        {
            var c = text[i];
            CheckAllowed(c, i);
            switch (c)
            {
                case '(' or ')':
                    throw new FilterPatternException("parentheses are not supported in a regex", i);
                case '*' or '+' or '?':
                    RequireAtom(canRepeat, c, i);
                    sb.Append(c);
                    canRepeat = false;
                    i++;
                    break;
                case '{':
                    RequireAtom(canRepeat, c, i);
                    i = AppendRepetition(text, i, end, sb);
                    canRepeat = false;
                    break;
                case '}' or ']':
                    throw new FilterPatternException($"unmatched '{c}' in regex", i);
                case '[':
                    i = AppendClass(text, i, end, sb);
                    canRepeat = true;
                    break;
                case '\\':
                    i = AppendEscape(text, i, end, sb, inClass: false);
                    canRepeat = true;
                    break;
                case '^':
                    sb.Append('^');
                    canRepeat = false;
                    i++;
                    break;
                case '$':
                    sb.Append(@"\z");
                    canRepeat = false;
                    i++;
                    break;
                case '|':
                    sb.Append('|');
                    canRepeat = false;
                    i++;
                    break;
                case '.':
                    sb.Append('.');
                    canRepeat = true;
                    i++;
                    break;
                default:
                    AppendLiteral(sb, c);
                    canRepeat = true;
                    i++;
                    break;
            }
        }
        return sb.ToString();
    }

    private static void CheckAllowed(char c, int at)
    {
        if (c > 127)
        {
            throw new FilterPatternException("multi-byte characters are not supported in a regex", at);
        }
        if (!char.IsAsciiLetterOrDigit(c) && !"_#=@/;,- :^$?[]{}|\\*+.()".Contains(c, StringComparison.Ordinal))
        {
            throw new FilterPatternException($"'{Printable(c)}' is not supported in a regex (use \\xhh)", at);
        }
    }

    private static string Printable(char c) => char.IsControl(c) ? $"\\x{(int)c:X2}" : c.ToString();

    private static void RequireAtom(bool canRepeat, char c, int at)
    {
        if (!canRepeat)
        {
            throw new FilterPatternException($"'{c}' has nothing to repeat in regex", at);
        }
    }

    private static void AppendLiteral(StringBuilder sb, char c)
    {
        if (!char.IsAsciiLetterOrDigit(c) && c != '_')
        {
            sb.Append('\\'); // '#' and ' ' mean something under IgnorePatternWhitespace; escape every symbol
        }
        sb.Append(c);
    }

    /// <summary><c>{m}</c>, <c>{m,}</c>, <c>{,n}</c>, <c>{m,n}</c> (spaces allowed around the numbers).</summary>
    private static int AppendRepetition(string text, int open, int end, StringBuilder sb)
    {
        var close = text.IndexOf('}', open + 1, end - open - 1);
        if (close < 0)
        {
            throw new FilterPatternException("'{' without '}' in regex", open);
        }
        var body = text.AsSpan(open + 1, close - open - 1);
        var comma = body.IndexOf(',');
        var min = ParseBound(comma < 0 ? body : body[..comma], open, empty: comma < 0 ? -1 : 0);
        var max = comma < 0 ? min : ParseBound(body[(comma + 1)..], open, empty: int.MaxValue);
        if (min < 0 || (max != int.MaxValue && max < min))
        {
            throw new FilterPatternException("invalid repetition in regex", open);
        }
        sb.Append('{').Append(min);
        if (comma >= 0)
        {
            sb.Append(',');
            if (max != int.MaxValue)
            {
                sb.Append(max);
            }
        }
        sb.Append('}');
        return close + 1;
    }

    private static int ParseBound(ReadOnlySpan<char> s, int at, int empty)
    {
        s = s.Trim(' ');
        if (s.IsEmpty)
        {
            return empty;
        }
        var value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c) || value > 10_000)
            {
                throw new FilterPatternException("invalid repetition in regex", at);
            }
            value = (value * 10) + (c - '0');
        }
        return value;
    }

    private static int AppendClass(string text, int open, int end, StringBuilder sb)
    {
        sb.Append('[');
        var i = open + 1;
        if (i < end && text[i] == '^')
        {
            sb.Append('^');
            i++;
        }
        var first = true;
        while (true)
        {
            if (i >= end)
            {
                throw new FilterPatternException("'[' without ']' in regex", open);
            }
            var c = text[i];
            CheckAllowed(c, i);
            if (c == ']' && !first)
            {
                sb.Append(']');
                return i + 1;
            }
            first = false;
            if (c is '(' or ')')
            {
                throw new FilterPatternException("parentheses are not supported in a regex", i);
            }
            if (c == '\\')
            {
                i = AppendEscape(text, i, end, sb, inClass: true);
                continue;
            }
            if (c == '-')
            {
                sb.Append('-'); // a range; .NET reads a leading or trailing '-' literally, as POSIX does
            }
            else
            {
                AppendLiteral(sb, c); // '[' escaped so .NET never sees its "[a-z-[aeiou]]" subtraction
            }
            i++;
        }
    }

    private static int AppendEscape(string text, int at, int end, StringBuilder sb, bool inClass)
    {
        if (at + 1 >= end)
        {
            throw new FilterPatternException("'\\' at the end of a regex", at);
        }
        var c = text[at + 1];
        CheckAllowed(c, at + 1);
        string? set = c switch
        {
            'd' => Digit,
            'D' => NotDigit,
            'w' => Word,
            'W' => NotWord,
            's' => Space,
            'S' => NotSpace,
            _ => null,
        };
        if (set is not null)
        {
            sb.Append(inClass ? set : $"[{set}]");
            return at + 2;
        }
        if (c == 'x')
        {
            if (at + 3 >= end || !char.IsAsciiHexDigit(text[at + 2]) || !char.IsAsciiHexDigit(text[at + 3]))
            {
                throw new FilterPatternException("'\\x' needs two hex digits in regex", at);
            }
            sb.Append(@"\x").Append(text, at + 2, 2);
            return at + 4;
        }
        if (char.IsAsciiLetterOrDigit(c) || c == '_')
        {
            throw new FilterPatternException($"'\\{c}' is not supported in a regex", at);
        }
        AppendLiteral(sb, c);
        return at + 2;
    }
}
