namespace Vigil.Logs.FilterPatterns;

/// <summary>
/// A compiled CloudWatch Logs filter pattern. Placeholder until the real compiler lands: space-separated terms,
/// every one of which must occur in the message (ordinal).
/// </summary>
public sealed class FilterPattern
{
    private readonly string[] _terms;

    private FilterPattern(string text, string[] terms)
    {
        Text = text;
        _terms = terms;
    }

    public static FilterPattern MatchAll { get; } = new("", []);

    public string Text { get; }

    /// <summary>Substrings (ordinal) every matching message contains; pass them into the scan.</summary>
    public IReadOnlyList<string> RequiredSubstrings => _terms;

    /// <summary>null or empty text matches everything; throws <see cref="FilterPatternException"/> when invalid.</summary>
    public static FilterPattern Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return MatchAll;
        }

        return new FilterPattern(text, text.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    public bool Matches(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        foreach (var term in _terms)
        {
            if (!message.Contains(term, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A filter pattern that does not parse; <see cref="Position"/> is the offending character's index.</summary>
public sealed class FilterPatternException : Exception
{
    public FilterPatternException()
    {
    }

    public FilterPatternException(string message)
        : base(message)
    {
    }

    public FilterPatternException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public FilterPatternException(string message, int position)
        : base(message)
    {
        Position = position;
    }

    public int Position { get; }
}
