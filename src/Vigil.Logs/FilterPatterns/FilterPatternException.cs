namespace Vigil.Logs.FilterPatterns;

/// <summary>A filter pattern that does not parse or breaks one of AWS's limits.</summary>
/// <remarks>The message names the problem and ends with "at position N"; the API layer wraps it into
/// CloudWatch Logs' <c>InvalidParameterException</c>.</remarks>
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

    public FilterPatternException(string reason, int position)
        : base($"{reason} at position {position}")
    {
        Reason = reason;
        Position = position;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; } = "";

    /// <summary>0-based index into the pattern text of the character where parsing stopped.</summary>
    public int Position { get; }
}
