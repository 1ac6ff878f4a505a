using System.Text.Json;

namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>A <c>{ … }</c> pattern. The message must be one JSON object (surrounding whitespace allowed); anything
/// else, including a line that merely starts with <c>{</c>, matches nothing.</summary>
internal sealed class JsonMatcher(JsonCondition condition) : MessageMatcher
{
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
