namespace Vigil.Logs.Insights.Syntax;

/// <summary>Where a token or node sits in the query text: 0-based offset and length, 1-based line and column.</summary>
public readonly record struct SourceSpan(int Offset, int Length, int Line, int Column)
{
    public int End => Offset + Length;

    /// <summary>The span from the start of this one to the end of <paramref name="last"/>.</summary>
    public SourceSpan To(SourceSpan last) => new(Offset, Math.Max(Length, last.End - Offset), Line, Column);

    internal InsightsQueryException Error(string reason) => new(reason, Line, Column, Offset, Length);
}
