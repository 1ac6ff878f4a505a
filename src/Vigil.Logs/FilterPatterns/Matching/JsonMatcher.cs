using System.Text.Json;

namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>A <c>{ … }</c> pattern. The message must be one JSON object (surrounding whitespace allowed); anything
/// else, including a line that merely starts with <c>{</c>, matches nothing.</summary>
internal sealed class JsonMatcher(JsonCondition condition) : MessageMatcher
{
    // Checked before parsing a message without backslashes: most lines miss a pattern's literal, and finding that out
    // costs a substring search instead of a JSON parse.
    private readonly string[] _required = [.. condition.RequiredWithoutEscapes.Where(t => t.Length > 0).Distinct(StringComparer.Ordinal)
        .OrderByDescending(t => t.Length)];

    // Deeper than the default 64: a log line nested that deep is unusual but legal, and still bounded.
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 256 };

    /// <summary>Always empty: JSON lets any character of a key or value be written as <c>\uXXXX</c> and any number
    /// in several forms (503, 503.0, 5.03e2), so no literal of the pattern is certain to appear in a matching line.</summary>
    public override IReadOnlyList<string> RequiredSubstrings => [];

    public override bool Matches(string message)
    {
        var trimmed = message.AsSpan().TrimStart();
        if (trimmed.IsEmpty || trimmed[0] != '{')
        {
            return false; // cheap reject for the plain-text lines a JSON pattern sees most of
        }
        if (_required.Length > 0 && !trimmed.Contains('\\'))
        {
            foreach (var text in _required)
            {
                if (!trimmed.Contains(text, StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }
        try
        {
            using var document = JsonDocument.Parse(message, Options);
            return condition.Evaluate(document.RootElement);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
