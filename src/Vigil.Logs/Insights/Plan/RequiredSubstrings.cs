using System.Text;
using Vigil.Logs.Insights.Syntax.Ast;

namespace Vigil.Logs.Insights.Plan;

/// <summary>
/// Substrings a <c>filter</c> condition forces into <c>@message</c>: <c>@message like "x"</c>, <c>@message =~ "x"</c>,
/// <c>@message = "x"</c>, and <c>@message like /x/</c> when the regex has literal runs that every match contains
/// (no alternation, groups or flags; an atom followed by a quantifier breaks a run). <c>and</c> unions, <c>or</c>
/// keeps what both sides require, <c>not</c> and everything else require nothing. Sound, not complete.
/// </summary>
internal static class RequiredSubstrings
{
    public static HashSet<string> Of(Expr condition)
    {
        switch (condition)
        {
            case BinaryExpr { Op: BinaryOp.And } and:
                var both = Of(and.Left);
                both.UnionWith(Of(and.Right));
                return both;
            case BinaryExpr { Op: BinaryOp.Or } or:
                var common = Of(or.Left);
                common.IntersectWith(Of(or.Right));
                return common;
            case BinaryExpr { Op: BinaryOp.Like or BinaryOp.Equal, Left: FieldRef { Name: "@message" } } match:
                return match.Right switch
                {
                    // "=" compares numbers numerically ("1e3" = "1000"), so only text that is not a number binds.
                    StringLiteral text when text.Value.Length > 0 && (match.Op == BinaryOp.Like || !Execution.Value.String(text.Value).TryGetNumber(out _)) => [text.Value],
                    RegexLiteral regex when match.Op == BinaryOp.Like => LiteralRuns(regex.Pattern),
                    _ => [],
                };
            default:
                return [];
        }
    }

    /// <summary>Runs of literal characters every match of <paramref name="pattern"/> must contain.</summary>
    public static HashSet<string> LiteralRuns(string pattern)
    {
        var runs = new HashSet<string>(StringComparer.Ordinal);
        if (pattern.IndexOfAny(['|', '(', ')']) >= 0)
        {
            return runs;
        }

        var run = new StringBuilder();
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            char? literal = null;
            var atomLength = 1;
            if (c == '\\')
            {
                if (i + 1 >= pattern.Length)
                {
                    return [];
                }

                var escaped = pattern[i + 1];
                atomLength = 2;
                if (!char.IsAsciiLetterOrDigit(escaped))
                {
                    literal = escaped;
                }
                else if ("dDwWsSbB".IndexOf(escaped, StringComparison.Ordinal) < 0)
                {
                    return []; // A, A, \p{L}, back-references...: longer escapes we do not decode.
                }
            }
            else if (c == '[')
            {
                var close = pattern.IndexOf(']', i + 2);
                if (close < 0 || pattern.AsSpan(i, close - i).Contains('\\'))
                {
                    return []; // Escapes inside a class could hide its real end.
                }

                atomLength = close - i + 1;
            }
            else if (c is '{' or '*' or '+' or '?')
            {
                // A quantifier on the previous atom: that atom may repeat or vanish, so it leaves the run.
                if (run.Length > 0)
                {
                    run.Length--;
                }

                Flush(run, runs);
                if (c == '{')
                {
                    var close = pattern.IndexOf('}', i);
                    atomLength = close < 0 ? 1 : close - i + 1;
                }

                i += atomLength;
                continue;
            }
            else if (c is not ('.' or '^' or '$'))
            {
                literal = c;
            }

            if (literal is { } ch)
            {
                run.Append(ch);
            }
            else
            {
                Flush(run, runs);
            }

            i += atomLength;
        }

        Flush(run, runs);
        return runs;
    }

    private static void Flush(StringBuilder run, HashSet<string> runs)
    {
        if (run.Length > 0)
        {
            runs.Add(run.ToString());
            run.Clear();
        }
    }
}
