using Vigil.Logs.FilterPatterns.Matching;

namespace Vigil.Logs.FilterPatterns.Syntax;

/// <summary>The right-hand side of a JSON or space-delimited comparison.</summary>
internal static class ValueParser
{
    /// <summary>Reads a quoted string, a <c>%regex%</c> or a bare value (a number when it reads as one, else text with
    /// optional <c>*</c> wild cards) after <paramref name="op"/>.</summary>
    public static ValueTest Read(PatternReader reader, CompareOp op, string stopChars)
    {
        reader.SkipWhitespace();
        var at = reader.Position;
        if (reader.AtEnd)
        {
            reader.Fail("expected a value after the operator");
        }
        if (reader.Current == '%')
        {
            var regex = reader.ReadRegex();
            RequireEquality(op, at, "a regex");
            return ValueTest.ForRegex(op, regex);
        }
        if (reader.Current == '"')
        {
            var quoted = reader.ReadQuoted();
            RequireEquality(op, at, "a string");
            return ValueTest.ForText(op, quoted);
        }
        var bare = reader.ReadBareValue(stopChars);
        if (bare.Length == 0)
        {
            reader.Fail("expected a value after the operator");
        }
        if (NumberValue.TryParse(bare, out var number))
        {
            return ValueTest.ForNumber(op, number);
        }
        RequireEquality(op, at, "text");
        return ValueTest.ForText(op, bare);
    }

    private static void RequireEquality(CompareOp op, int at, string what)
    {
        if (op is not (CompareOp.Equal or CompareOp.NotEqual))
        {
            PatternReader.Fail($"only = and != compare {what}; <, >, <= and >= need a number", at);
        }
    }
}
