using System.Buffers;

namespace Vigil.Logs.Insights.Execution;

/// <summary>A conservative look at a .NET pattern's structure, for <see cref="QueryRegex"/>.</summary>
internal static class RegexShape
{
    /// <summary>Patterns with more quantifiers than this are not <see cref="IsSimple"/>.</summary>
    public const int MaxQuantifiers = 3;

    private static readonly SearchValues<char> CountChars = SearchValues.Create("0123456789,");

    /// <summary>
    /// True when the pattern has no alternation, no repeated group, no anchor or word boundary, and at most
    /// <see cref="MaxQuantifiers"/> quantifiers. Such a pattern run by the backtracking engine over a span of n
    /// characters does at most about n^3 steps, and finds the same groups in that span alone as in its context.
    /// Conservative: whatever it does not read (inline options, comments, conditionals) is not simple.
    /// </summary>
    public static bool IsSimple(string pattern)
    {
        var depth = 0;
        var quantifiers = 0;
        var afterGroup = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            var closedGroup = false;
            switch (c)
            {
                case '\\':
                    if (++i >= pattern.Length || pattern[i] is 'b' or 'B' or 'A' or 'z' or 'Z' or 'G' or 'k' || char.IsAsciiDigit(pattern[i]))
                    {
                        return false; // Boundaries, anchors and backreferences.
                    }

                    if (pattern[i] is 'p' or 'P' && (i = pattern.IndexOf('}', i)) < 0)
                    {
                        return false;
                    }

                    break;
                case '[':
                    if ((i = SkipClass(pattern, i)) < 0)
                    {
                        return false;
                    }

                    break;
                case '(':
                    if (i + 1 < pattern.Length && pattern[i + 1] == '?')
                    {
                        if (i + 2 >= pattern.Length || pattern[i + 2] is not (':' or '<' or '\''))
                        {
                            return false; // Inline options, comments, conditionals, lookarounds.
                        }

                        // Past "(?:" or a group name "(?<name>" / "(?'name'".
                        i = pattern[i + 2] == ':' ? i + 2 : pattern.IndexOf(pattern[i + 2] == '<' ? '>' : '\'', i + 3);
                        if (i < 0)
                        {
                            return false;
                        }
                    }

                    depth++;
                    break;
                case ')':
                    if (--depth < 0)
                    {
                        return false;
                    }

                    closedGroup = true;
                    break;
                case '|' or '^' or '$':
                    return false;
                case '*' or '+' or '?' or '{':
                    if (c == '{' && !IsCountedQuantifier(pattern, i))
                    {
                        break;
                    }

                    if (afterGroup || ++quantifiers > MaxQuantifiers)
                    {
                        return false;
                    }

                    if (c == '{')
                    {
                        i = pattern.IndexOf('}', i);
                    }

                    if (i + 1 < pattern.Length && pattern[i + 1] is '?' or '+')
                    {
                        i++; // Lazy (or possessive) form of the same quantifier.
                    }

                    break;
            }

            afterGroup = closedGroup;
        }

        return depth == 0;
    }

    private static bool IsCountedQuantifier(string pattern, int at)
    {
        var end = pattern.IndexOf('}', at);
        if (end < 0)
        {
            return false;
        }

        var body = pattern.AsSpan(at + 1, end - at - 1);
        return body.Length > 0 && char.IsAsciiDigit(body[0]) && !body.ContainsAnyExcept(CountChars);
    }

    private static int SkipClass(string pattern, int at)
    {
        var i = at + 1;
        if (i < pattern.Length && pattern[i] == '^')
        {
            i++;
        }

        if (i < pattern.Length && pattern[i] == ']')
        {
            i++; // A leading ] is a literal.
        }

        for (; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                i++;
            }
            else if (pattern[i] == ']')
            {
                return i;
            }
        }

        return -1;
    }
}
