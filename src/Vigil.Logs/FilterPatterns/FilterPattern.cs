using Vigil.Logs.FilterPatterns.Matching;
using Vigil.Logs.FilterPatterns.Syntax;

namespace Vigil.Logs.FilterPatterns;

/// <summary>A CloudWatch Logs filter pattern (metric filters, subscription filters, FilterLogEvents, Live Tail),
/// parsed and compiled once. Immutable and thread-safe.</summary>
/// <remarks>The first non-blank character picks the kind: <c>{</c> JSON, <c>[</c> space-delimited, <c>%</c> a
/// standalone regex; anything else is unstructured terms. See docs/DESIGN.md "Filter patterns".</remarks>
public sealed class FilterPattern
{
    /// <summary>AWS's limit on filterPattern (FilterLogEvents, PutMetricFilter, PutSubscriptionFilter).</summary>
    public const int MaxLength = 1024;

    private readonly MessageMatcher? _matcher;

    private FilterPattern(string text, MessageMatcher? matcher)
    {
        Text = text;
        _matcher = matcher;
    }

    /// <summary>The empty pattern: every message matches.</summary>
    public static FilterPattern MatchAll { get; } = new("", null);

    /// <summary>The pattern as given.</summary>
    public string Text { get; }

    /// <summary>Ordinal, case-sensitive substrings that every message this pattern matches contains (possibly none).
    /// For pruning blocks and lines before <see cref="Matches"/>; never needed for correctness.</summary>
    public IReadOnlyList<string> RequiredSubstrings => _matcher?.RequiredSubstrings ?? [];

    /// <summary>Parses <paramref name="text"/>; null, empty or blank means "match everything".</summary>
    /// <exception cref="FilterPatternException">The pattern is malformed or breaks an AWS limit.</exception>
    public static FilterPattern Parse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return MatchAll;
        }
        if (text.Length > MaxLength)
        {
            throw new FilterPatternException($"a filter pattern can be at most {MaxLength} characters", MaxLength);
        }
        // A lone surrogate cannot come from UTF-8 on the wire (only from a JSON \uD800 escape) and has no UTF-8 form
        // to compare with; refuse it here rather than deep inside a matcher.
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                throw new FilterPatternException("a filter pattern cannot contain an unpaired surrogate character", i);
            }
        }

        var reader = new PatternReader(text);
        reader.SkipWhitespace();
        MessageMatcher? matcher;
        switch (reader.Current)
        {
            case '{':
                matcher = JsonPatternParser.Parse(reader);
                break;
            case '[':
                matcher = DelimitedPatternParser.Parse(reader);
                break;
            case '%':
                matcher = new RegexMatcher(reader.ReadRegex());
                break;
            default:
                return new FilterPattern(text, TermPatternParser.Parse(reader));
        }
        reader.SkipWhitespace();
        if (!reader.AtEnd)
        {
            reader.Fail("unexpected text after the end of the pattern");
        }
        return new FilterPattern(text, matcher);
    }

    /// <summary>Whether <paramref name="message"/> matches. Term-only patterns do not allocate.</summary>
    public bool Matches(string message) => _matcher is null || _matcher.Matches(message);

    public override string ToString() => Text;
}
