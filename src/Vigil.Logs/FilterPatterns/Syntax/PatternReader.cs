using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;

namespace Vigil.Logs.FilterPatterns.Syntax;

/// <summary>A cursor over the pattern text with the lexical pieces all three pattern kinds share: whitespace,
/// quoted strings, <c>%regex%</c> literals and comparison operators. Parsing is a cold path (once per filter), so
/// clarity wins over allocation here.</summary>
internal sealed class PatternReader(string text)
{
    /// <summary>AWS's quota for JSON and space-delimited patterns; a standalone regex pattern has exactly one.</summary>
    public const int MaxRegexes = 2;

    private int _regexCount;

    public string Text { get; } = text;

    public int Position { get; set; }

    public bool AtEnd => Position >= Text.Length;

    public char Current => Position < Text.Length ? Text[Position] : '\0';

    public char PeekAt(int offset) => Position + offset < Text.Length ? Text[Position + offset] : '\0';

    public void SkipWhitespace()
    {
        while (Position < Text.Length && char.IsWhiteSpace(Text[Position]))
        {
            Position++;
        }
    }

    public bool TryConsume(string token)
    {
        if (string.CompareOrdinal(Text, Position, token, 0, token.Length) == 0)
        {
            Position += token.Length;
            return true;
        }
        return false;
    }

    public void Expect(char c, string what)
    {
        if (Current != c)
        {
            Fail(AtEnd ? $"expected {what} but the pattern ended" : $"expected {what}");
        }
        Position++;
    }

    [DoesNotReturn]
    public void Fail(string reason) => throw new FilterPatternException(reason, Position);

    [DoesNotReturn]
    public static void Fail(string reason, int position) => throw new FilterPatternException(reason, position);

    /// <summary>Reads <c>"…"</c> (or <c>'…'</c> when <paramref name="quote"/> says so) at the cursor. <c>\"</c> and
    /// <c>\\</c> stand for the character; any other backslash is kept as written.</summary>
    public string ReadQuoted(char quote = '"')
    {
        var open = Position;
        Position++;
        var sb = new StringBuilder();
        while (true)
        {
            if (AtEnd)
            {
                Fail("unterminated quoted string", open);
            }
            var c = Text[Position];
            if (c == quote)
            {
                Position++;
                return sb.ToString();
            }
            if (c == '\\' && (PeekAt(1) == quote || PeekAt(1) == '\\'))
            {
                sb.Append(PeekAt(1));
                Position += 2;
                continue;
            }
            sb.Append(c);
            Position++;
        }
    }

    /// <summary>Reads <c>%…%</c> at the cursor and compiles it, counting it against the per-pattern quota.</summary>
    public Regex ReadRegex()
    {
        var open = Position;
        if (++_regexCount > MaxRegexes)
        {
            Fail($"a filter pattern can hold at most {MaxRegexes} regexes", open);
        }
        var close = Text.IndexOf('%', open + 1);
        if (close < 0)
        {
            Fail("regex without a closing '%'", open);
        }
        Position = close + 1;
        return RegexTranslator.Compile(Text, open + 1, close);
    }

    /// <summary>Reads an unquoted value up to whitespace, a stop character, <c>&amp;&amp;</c> or <c>||</c>.</summary>
    public string ReadBareValue(string stopChars)
    {
        var start = Position;
        while (!AtEnd && !char.IsWhiteSpace(Current) && !stopChars.Contains(Current, StringComparison.Ordinal)
               && !(Current == '&' && PeekAt(1) == '&') && !(Current == '|' && PeekAt(1) == '|'))
        {
            if (Current is '"' or '%')
            {
                Fail($"'{Current}' inside an unquoted value; quote the whole value");
            }
            Position++;
        }
        return Text[start..Position];
    }

    /// <summary>Reads one of <c>= != &lt; &gt; &lt;= &gt;=</c>, or returns null when none is at the cursor.</summary>
    public Matching.CompareOp? TryReadOperator()
    {
        if (TryConsume("!="))
        {
            return Matching.CompareOp.NotEqual;
        }
        if (TryConsume("<="))
        {
            return Matching.CompareOp.LessOrEqual;
        }
        if (TryConsume(">="))
        {
            return Matching.CompareOp.GreaterOrEqual;
        }
        if (TryConsume("="))
        {
            return Matching.CompareOp.Equal;
        }
        if (TryConsume("<"))
        {
            return Matching.CompareOp.Less;
        }
        return TryConsume(">") ? Matching.CompareOp.Greater : null;
    }
}
