namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>A text pattern where <c>*</c> stands for any run of characters (AWS's wild card in JSON and
/// space-delimited values). Only <c>*</c> is special, so leftmost-first search of each literal piece is exact:
/// no backtracking, O(text) per match.</summary>
internal sealed class Wildcard
{
    private readonly string[] _pieces;
    private readonly bool _openStart;
    private readonly bool _openEnd;
    private readonly string? _literal;

    public Wildcard(string pattern)
    {
        _literal = HasWildcard(pattern) ? null : pattern;
        _openStart = pattern.StartsWith('*');
        _openEnd = pattern.EndsWith('*');
        _pieces = pattern.Split('*', StringSplitOptions.RemoveEmptyEntries);
    }

    public static bool HasWildcard(string text) => text.Contains('*', StringComparison.Ordinal);

    /// <summary>The literal pieces: any text this pattern accepts contains each of them.</summary>
    public IReadOnlyList<string> Pieces => _pieces;

    public bool IsMatch(ReadOnlySpan<char> text)
    {
        if (_literal is not null)
        {
            return text.SequenceEqual(_literal);
        }
        var pieces = _pieces.AsSpan();
        if (pieces.IsEmpty)
        {
            return true; // "*" (or "**"): anything
        }
        var first = 0;
        var last = pieces.Length - 1;
        if (!_openStart)
        {
            if (!text.StartsWith(pieces[0], StringComparison.Ordinal))
            {
                return false;
            }
            text = text[pieces[0].Length..];
            first = 1;
        }
        if (!_openEnd && first <= last)
        {
            if (!text.EndsWith(pieces[last], StringComparison.Ordinal))
            {
                return false;
            }
            text = text[..^pieces[last].Length];
            last--;
        }
        for (var i = first; i <= last; i++)
        {
            var at = text.IndexOf(pieces[i], StringComparison.Ordinal);
            if (at < 0)
            {
                return false;
            }
            text = text[(at + pieces[i].Length)..];
        }
        return true;
    }
}
