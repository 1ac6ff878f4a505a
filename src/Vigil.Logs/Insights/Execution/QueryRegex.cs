using System.Text.RegularExpressions;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// A query's regex. Where .NET's linear-time engine (<see cref="RegexOptions.NonBacktracking"/>) supports the pattern
/// it decides whether and where a line matches: no input can make that slow, so it needs no time limit — a limit that
/// a busy machine (a GC pause, another scan) would hit on harmless patterns, silently dropping matches. Its capture
/// phase is slow, though, so <c>parse</c> takes the groups from the backtracking engine run at the match it found
/// (the same match: both engines find the leftmost match with the same priorities), falling back to the linear
/// engine's own groups if that run times out. Patterns the linear engine refuses (lookarounds, backreferences, atomic
/// groups) run on the backtracking engine alone, with <see cref="Evaluator.RegexTimeout"/> per match, where a timeout
/// is no match. The backtracking engine is interpreted at first and compiled once <see cref="CompileAfter"/> uses
/// show the scan is long. Thread-safe: scan workers share it.
/// </summary>
internal sealed class QueryRegex
{
    private const int CompileAfter = 20_000;

    private readonly Regex? _linear;
    private Regex _backtracking;
    private int _uses;

    private QueryRegex(Regex? linear, Regex backtracking) => (_linear, _backtracking) = (linear, backtracking);

    /// <summary>Builds the regex; an invalid pattern throws <see cref="ArgumentException"/>.</summary>
    public static QueryRegex Create(string pattern, RegexOptions options)
    {
        var backtracking = new Regex(pattern, options, Evaluator.RegexTimeout);
        try
        {
            return new QueryRegex(new Regex(pattern, options | RegexOptions.NonBacktracking), backtracking);
        }
        catch (NotSupportedException)
        {
            return new QueryRegex(null, backtracking);
        }
    }

    public bool IsMatch(string text)
    {
        if (_linear is not null)
        {
            return _linear.IsMatch(text);
        }

        try
        {
            return Backtracking.IsMatch(text);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>The first match with its groups (<see cref="Match.Empty"/> for none).</summary>
    public Match Match(string text)
    {
        if (_linear is null)
        {
            try
            {
                return Backtracking.Match(text);
            }
            catch (RegexMatchTimeoutException)
            {
                return System.Text.RegularExpressions.Match.Empty;
            }
        }

        var matches = _linear.EnumerateMatches(text);
        if (!matches.MoveNext())
        {
            return System.Text.RegularExpressions.Match.Empty;
        }

        var bounds = matches.Current;
        try
        {
            var match = Backtracking.Match(text, bounds.Index);
            if (match.Success && match.Index == bounds.Index && match.Length == bounds.Length)
            {
                return match;
            }
        }
        catch (RegexMatchTimeoutException)
        {
        }

        return _linear.Match(text);
    }

    public string[] GetGroupNames() => _backtracking.GetGroupNames();

    public int GroupNumberFromName(string name) => _backtracking.GroupNumberFromName(name);

    public override string ToString() => _backtracking.ToString();

    private Regex Backtracking
    {
        get
        {
            if (_uses < CompileAfter && Interlocked.Increment(ref _uses) == CompileAfter)
            {
                var first = _backtracking;
                Volatile.Write(ref _backtracking, new Regex(first.ToString(), first.Options | RegexOptions.Compiled, first.MatchTimeout));
            }

            return Volatile.Read(ref _backtracking);
        }
    }
}
