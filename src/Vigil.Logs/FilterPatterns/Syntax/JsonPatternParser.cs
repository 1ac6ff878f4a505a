using System.Text.Json;
using Vigil.Logs.FilterPatterns.Matching;

namespace Vigil.Logs.FilterPatterns.Syntax;

/// <summary>JSON patterns: <c>{ condition }</c> where conditions combine with <c>&amp;&amp;</c> (binds tighter),
/// <c>||</c> and parentheses; a condition is <c>selector op value</c>, <c>selector IS NULL|TRUE|FALSE</c> or
/// <c>selector NOT EXISTS</c>.</summary>
internal static class JsonPatternParser
{
    /// <summary>Parenthesis nesting limit: recursion depth stays far from the stack's end whatever the input.</summary>
    public const int MaxDepth = 100;

    /// <summary>AWS: one <c>*</c> per selector, three per pattern.</summary>
    public const int MaxWildcardsPerPattern = 3;

    private const string ValueStops = ")}";

    public static MessageMatcher Parse(PatternReader reader)
    {
        reader.Expect('{', "'{'");
        var condition = ParseOr(reader, depth: 0);
        reader.SkipWhitespace();
        reader.Expect('}', "'&&', '||' or '}'");
        if (condition.WildcardCount > MaxWildcardsPerPattern)
        {
            PatternReader.Fail($"a JSON pattern can hold at most {MaxWildcardsPerPattern} wildcard selectors", 0);
        }
        return new JsonMatcher(condition);
    }

    private static JsonCondition ParseOr(PatternReader reader, int depth) =>
        ParseChain(reader, depth, "||", ParseAnd, parts => new JsonOr(parts));

    private static JsonCondition ParseAnd(PatternReader reader, int depth) =>
        ParseChain(reader, depth, "&&", ParsePrimary, parts => new JsonAnd(parts));

    /// <summary>One precedence level: operands separated by <paramref name="op"/>.</summary>
    private static JsonCondition ParseChain(
        PatternReader reader, int depth, string op, Func<PatternReader, int, JsonCondition> operand, Func<JsonCondition[], JsonCondition> combine)
    {
        var parts = new List<JsonCondition> { operand(reader, depth) };
        while (true)
        {
            reader.SkipWhitespace();
            if (!reader.TryConsume(op))
            {
                return parts.Count == 1 ? parts[0] : combine([.. parts]);
            }
            parts.Add(operand(reader, depth));
        }
    }

    private static JsonCondition ParsePrimary(PatternReader reader, int depth)
    {
        reader.SkipWhitespace();
        if (reader.Current == '(')
        {
            if (depth >= MaxDepth)
            {
                reader.Fail($"parentheses nested deeper than {MaxDepth}");
            }
            reader.Position++;
            var inner = ParseOr(reader, depth + 1);
            reader.SkipWhitespace();
            reader.Expect(')', "')'");
            return inner;
        }
        if (reader.Current != '$')
        {
            reader.Fail(reader.AtEnd ? "expected a condition but the pattern ended" : "expected a property selector starting with '$'");
        }
        var (selector, wildcards) = ParseSelector(reader);
        reader.SkipWhitespace();
        var keywordAt = reader.Position;
        if (TryKeyword(reader, "IS"))
        {
            reader.SkipWhitespace();
            if (TryKeyword(reader, "NULL"))
            {
                return new JsonIs(selector, wildcards, JsonValueKind.Null);
            }
            if (TryKeyword(reader, "TRUE"))
            {
                return new JsonIs(selector, wildcards, JsonValueKind.True);
            }
            if (TryKeyword(reader, "FALSE"))
            {
                return new JsonIs(selector, wildcards, JsonValueKind.False);
            }
            reader.Fail(TryKeyword(reader, "NOT") ? "IS NOT is not supported" : "expected NULL, TRUE or FALSE after IS");
        }
        if (TryKeyword(reader, "NOT"))
        {
            reader.SkipWhitespace();
            if (!TryKeyword(reader, "EXISTS"))
            {
                reader.Fail("expected EXISTS after NOT");
            }
            return new JsonNotExists(selector, wildcards);
        }
        if (TryKeyword(reader, "EXISTS"))
        {
            PatternReader.Fail("EXISTS is not supported (NOT EXISTS is)", keywordAt);
        }
        var op = reader.TryReadOperator() ?? Fail<CompareOp>(reader, "expected an operator (=, !=, <, >, <=, >=), IS or NOT EXISTS");
        return new JsonComparison(selector, wildcards, ValueParser.Read(reader, op, ValueStops));
    }

    private static T Fail<T>(PatternReader reader, string reason)
    {
        reader.Fail(reason);
        return default;
    }

    /// <summary>Keywords are matched case-insensitively and must end at a non-identifier character.</summary>
    private static bool TryKeyword(PatternReader reader, string keyword)
    {
        var text = reader.Text;
        var end = reader.Position + keyword.Length;
        if (end > text.Length || string.Compare(text, reader.Position, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) != 0
            || (end < text.Length && IsNameChar(text[end])))
        {
            return false;
        }
        reader.Position = end;
        return true;
    }

    /// <summary><c>$</c> then steps: <c>.name</c>, <c>.*</c>, <c>[n]</c>, <c>[*]</c>, <c>['key']</c> (also after a dot:
    /// AWS's <c>$.['cluster.name']</c>).</summary>
    private static (JsonSelector Selector, int Wildcards) ParseSelector(PatternReader reader)
    {
        var start = reader.Position;
        reader.Position++; // '$'
        var steps = new List<SelectorStep>();
        var wildcards = 0;
        while (reader.Current is '.' or '[')
        {
            var stepAt = reader.Position;
            if (reader.Current == '.')
            {
                reader.Position++;
                if (reader.Current == '[')
                {
                    continue; // "$.['key']"
                }
                if (reader.TryConsume("*"))
                {
                    steps.Add(SelectorStep.Any());
                    wildcards++;
                }
                else
                {
                    steps.Add(SelectorStep.Property(ReadName(reader)));
                }
            }
            else
            {
                steps.Add(ParseBracket(reader, ref wildcards));
            }
            if (wildcards > 1)
            {
                PatternReader.Fail("a property selector can hold only one wildcard", stepAt);
            }
        }
        if (steps.Count == 0)
        {
            PatternReader.Fail("a property selector needs a property after '$' (such as $.name)", start);
        }
        return (new JsonSelector([.. steps]), wildcards);
    }

    private static SelectorStep ParseBracket(PatternReader reader, ref int wildcards)
    {
        reader.Position++; // '['
        SelectorStep step;
        if (reader.TryConsume("*"))
        {
            wildcards++;
            step = SelectorStep.Any();
        }
        else if (reader.Current is '\'' or '"')
        {
            step = SelectorStep.Property(reader.ReadQuoted(reader.Current));
        }
        else
        {
            var digitsAt = reader.Position;
            while (char.IsAsciiDigit(reader.Current))
            {
                reader.Position++;
            }
            if (reader.Position == digitsAt || !int.TryParse(reader.Text.AsSpan(digitsAt, reader.Position - digitsAt), out var index))
            {
                throw new FilterPatternException("expected an array index, '*' or a quoted key inside '[ ]'", digitsAt);
            }
            step = SelectorStep.Element(index);
        }
        reader.Expect(']', "']'");
        return step;
    }

    private static string ReadName(PatternReader reader)
    {
        var start = reader.Position;
        while (IsNameChar(reader.Current))
        {
            reader.Position++;
        }
        if (reader.Position == start)
        {
            reader.Fail("expected a property name after '.' (letters, digits, '-' and '_'; quote others as ['key'])");
        }
        return reader.Text[start..reader.Position];
    }

    // AWS documents alphanumerics, '-' and '_'; letters and digits of any script are accepted too.
    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '-';
}
