namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>An unstructured pattern: terms and phrases matched as case-sensitive substrings of the message.</summary>
/// <remarks>Required terms must all occur, excluded terms must not, and optional (<c>?</c>) terms need one of them
/// to occur, but only when the pattern has nothing else: AWS ignores <c>?</c> terms next to plain or <c>-</c> terms.
/// A term that is only whitespace (AWS's <c>" "</c> "match everything" example) is vacuous and left out.</remarks>
internal sealed class TermMatcher : MessageMatcher
{
    private readonly string[] _required;
    private readonly string[] _excluded;
    private readonly string[] _anyOf;

    public TermMatcher(string[] required, string[] excluded, string[] anyOf)
    {
        _required = required;
        _excluded = excluded;
        _anyOf = anyOf;
    }

    public override IReadOnlyList<string> RequiredSubstrings => _required;

    public override bool Matches(string message)
    {
        foreach (var term in _required)
        {
            if (!message.Contains(term, StringComparison.Ordinal))
            {
                return false;
            }
        }
        foreach (var term in _excluded)
        {
            if (message.Contains(term, StringComparison.Ordinal))
            {
                return false;
            }
        }
        if (_anyOf.Length == 0)
        {
            return true;
        }
        foreach (var term in _anyOf)
        {
            if (message.Contains(term, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
