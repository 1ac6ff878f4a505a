using Vigil.Logs.FilterPatterns.Matching;

namespace Vigil.Logs.FilterPatterns.Syntax;

/// <summary>Space-delimited patterns: <c>[entry, entry, …]</c> where an entry is <c>...</c>, a field name, or a
/// field name with comparisons joined by <c>&amp;&amp;</c>/<c>||</c>, each naming the same field
/// (<c>status_code = 404 || status_code = 410</c>; names compare case-insensitively, as AWS's own
/// <c>w1=ERROR || W1=WARNING</c> example needs).</summary>
internal static class DelimitedPatternParser
{
    private const string ValueStops = ",]";

    public static MessageMatcher Parse(PatternReader reader)
    {
        reader.Expect('[', "'['");
        var entries = new List<DelimitedField>();
        while (true)
        {
            reader.SkipWhitespace();
            entries.Add(reader.TryConsume("...") ? DelimitedField.Ellipsis : ParseField(reader));
            reader.SkipWhitespace();
            if (reader.Current == ']')
            {
                reader.Position++;
                return new DelimitedMatcher([.. entries]);
            }
            reader.Expect(',', "',' or ']'");
        }
    }

    private static DelimitedField ParseField(PatternReader reader)
    {
        var name = ReadName(reader);
        reader.SkipWhitespace();
        if (reader.Current is ',' or ']')
        {
            return new DelimitedField(name, null);
        }
        var alternatives = new List<FieldCondition>();
        var conjunction = new List<FieldCondition> { ParseComparison(reader) };
        while (true)
        {
            reader.SkipWhitespace();
            var and = reader.TryConsume("&&");
            if (!and && !reader.TryConsume("||"))
            {
                break;
            }
            if (!and)
            {
                alternatives.Add(Combine(conjunction));
                conjunction = [];
            }
            reader.SkipWhitespace();
            var nameAt = reader.Position;
            if (!string.Equals(ReadName(reader), name, StringComparison.OrdinalIgnoreCase))
            {
                PatternReader.Fail($"a condition in field '{name}' must name '{name}'", nameAt);
            }
            reader.SkipWhitespace();
            conjunction.Add(ParseComparison(reader));
        }
        alternatives.Add(Combine(conjunction));
        return new DelimitedField(name, alternatives.Count == 1 ? alternatives[0] : new FieldOr([.. alternatives]));
    }

    private static FieldCondition Combine(List<FieldCondition> conjunction) =>
        conjunction.Count == 1 ? conjunction[0] : new FieldAnd([.. conjunction]);

    private static FieldComparison ParseComparison(PatternReader reader)
    {
        var op = reader.TryReadOperator();
        if (op is null)
        {
            reader.Fail(reader.AtEnd ? "expected ']' but the pattern ended" : "expected ',', ']' or an operator (=, !=, <, >, <=, >=)");
        }
        return new FieldComparison(ValueParser.Read(reader, op.Value, ValueStops));
    }

    private static string ReadName(PatternReader reader)
    {
        var start = reader.Position;
        while (char.IsLetterOrDigit(reader.Current) || reader.Current is '_' or '-')
        {
            reader.Position++;
        }
        if (reader.Position == start)
        {
            reader.Fail(reader.AtEnd ? "expected a field name but the pattern ended" : "expected a field name or '...'");
        }
        return reader.Text[start..reader.Position];
    }
}
