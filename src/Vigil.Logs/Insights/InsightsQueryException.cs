namespace Vigil.Logs.Insights;

/// <summary>A query that does not lex, parse or bind: CloudWatch Logs answers these with MalformedQueryException.</summary>
/// <remarks>The message ends with "at line L and column C" (1-based), as AWS words its query compile errors; the
/// API layer copies <see cref="Offset"/> and <see cref="Length"/> into the error's location.</remarks>
public sealed class InsightsQueryException : Exception
{
    public InsightsQueryException()
    {
    }

    public InsightsQueryException(string message)
        : base(message)
    {
    }

    public InsightsQueryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public InsightsQueryException(string reason, int line, int column, int offset, int length)
        : base($"{reason} at line {line} and column {column}")
    {
        Reason = reason;
        Line = line;
        Column = column;
        Offset = offset;
        Length = length;
    }

    /// <summary>What is wrong, without the position.</summary>
    public string Reason { get; } = "";

    public int Line { get; }

    public int Column { get; }

    /// <summary>0-based character offset of the offending text in the query string.</summary>
    public int Offset { get; }

    public int Length { get; }
}
