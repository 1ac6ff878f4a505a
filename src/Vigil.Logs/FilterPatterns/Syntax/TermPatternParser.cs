using Vigil.Logs.FilterPatterns.Matching;

namespace Vigil.Logs.FilterPatterns.Syntax;

/// <summary>Unstructured patterns: whitespace-separated terms, each a bare word or a <c>"quoted phrase"</c>,
/// optionally prefixed with <c>?</c> (any of) or <c>-</c> (must not occur).</summary>
/// <remarks>AWS asks for quotes around terms with non-alphanumeric characters; we accept any bare run of
/// non-whitespace characters without <c>"</c> (being stricter would reject patterns that work on AWS).</remarks>
internal static class TermPatternParser
{
    public static MessageMatcher? Parse(PatternReader reader)
    {
        var required = new List<string>();
        var excluded = new List<string>();
        var anyOf = new List<string>();
        var anyOfMatchesAll = false;
        reader.SkipWhitespace();
        while (!reader.AtEnd)
        {
            var prefix = reader.Current is '?' or '-' ? reader.Current : '\0';
            if (prefix != '\0')
            {
                reader.Position++;
                if (reader.AtEnd || char.IsWhiteSpace(reader.Current))
                {
                    reader.Fail($"expected a term after '{prefix}'");
                }
            }
            var term = reader.Current == '"' ? ReadPhrase(reader) : ReadWord(reader);
            var vacuous = string.IsNullOrWhiteSpace(term);
            switch (prefix)
            {
                case '?':
                    anyOfMatchesAll |= vacuous;
                    anyOf.Add(term);
                    break;
                case '-' when !vacuous:
                    excluded.Add(term);
                    break;
                case '\0' when !vacuous:
                    required.Add(term);
                    break;
            }
            reader.SkipWhitespace();
        }
        // '?' terms only count when they stand alone (AWS ignores them beside other terms).
        var useAnyOf = required.Count == 0 && excluded.Count == 0 && !anyOfMatchesAll && anyOf.Count > 0;
        if (required.Count == 0 && excluded.Count == 0 && !useAnyOf)
        {
            return null;
        }
        return new TermMatcher([.. required.Distinct(StringComparer.Ordinal)], [.. excluded], useAnyOf ? [.. anyOf] : []);
    }

    private static string ReadPhrase(PatternReader reader)
    {
        var phrase = reader.ReadQuoted();
        if (!reader.AtEnd && !char.IsWhiteSpace(reader.Current))
        {
            reader.Fail("expected whitespace after a quoted phrase");
        }
        return phrase;
    }

    private static string ReadWord(PatternReader reader)
    {
        var start = reader.Position;
        while (!reader.AtEnd && !char.IsWhiteSpace(reader.Current))
        {
            if (reader.Current == '"')
            {
                reader.Fail("'\"' inside a term; quote the whole term");
            }
            reader.Position++;
        }
        return reader.Text[start..reader.Position];
    }
}
