using System.Text.RegularExpressions;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// A query's regex. Where .NET's linear-time engine (<see cref="RegexOptions.NonBacktracking"/>) supports the pattern
/// it decides whether and where a line matches: no input can make that slow, so it needs no time limit — a limit that
/// a busy machine (a GC pause, another scan) would hit on harmless patterns, silently dropping matches. Its capture
/// phase is slow, though, so <c>parse</c> takes the groups from the backtracking engine run at the match it found
/// (the same match: both engines find the leftmost match with the same priorities) when the pattern is simple and the
/// match short (so that run is cheap and needs no time limit), and from the linear engine otherwise. Patterns the linear engine refuses (lookarounds, backreferences, atomic
/// groups) run on the backtracking engine alone, with <see cref="Evaluator.RegexTimeout"/> per match, where a timeout
/// is no match. The backtracking engine is interpreted at first and compiled once <see cref="CompileAfter"/> uses
/// show the scan is long. Thread-safe: scan workers share it.
/// </summary>
internal sealed class QueryRegex
{
    private const int CompileAfter = 20_000;

    /// <summary>Longest match whose groups the untimed backtracking engine takes (see <see cref="Match"/>).</summary>
    private const int UntimedCaptureLength = 256;

    private readonly Regex? _linear;
    private readonly bool _simple;
    private Regex _backtracking;
    private Regex _untimed;
    private int _uses;

    private QueryRegex(Regex? linear, Regex backtracking, bool simple)
    {
        (_linear, _backtracking, _simple) = (linear, backtracking, simple);
        _untimed = new Regex(backtracking.ToString(), backtracking.Options, Regex.InfiniteMatchTimeout);
        Ascii = AsciiPattern.TryCreate(backtracking.ToString(), backtracking);
    }

    /// <summary>The pattern as a matcher over UTF-8 lines, when its shape allows one (<see cref="AsciiPattern"/>).</summary>
    public AsciiPattern? Ascii { get; }

    /// <summary>Builds the regex; an invalid pattern throws <see cref="ArgumentException"/>.</summary>
    public static QueryRegex Create(string pattern, RegexOptions options)
    {
        var backtracking = new Regex(pattern, options, Evaluator.RegexTimeout);
        try
        {
            return new QueryRegex(new Regex(pattern, options | RegexOptions.NonBacktracking), backtracking, RegexShape.IsSimple(pattern));
        }
        catch (NotSupportedException)
        {
            return new QueryRegex(null, backtracking, false);
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

        // A simple pattern (RegexShape) over the matched span alone takes at most ~n^3 steps for n <= 256 and gives the
        // groups it has in context, so the backtracking engine runs there without a time limit (whose clock read per
        // match costs more than the match on this VM); anything else gets the linear engine's own (slower) groups.
        var bounds = matches.Current;
        if (_simple && bounds.Length <= UntimedCaptureLength)
        {
            var match = Untimed.Match(text, bounds.Index, bounds.Length);
            if (match.Success && match.Index == bounds.Index && match.Length == bounds.Length)
            {
                return match;
            }
        }

        return _linear.Match(text);
    }

    public string[] GetGroupNames() => _backtracking.GetGroupNames();

    public int GroupNumberFromName(string name) => _backtracking.GroupNumberFromName(name);

    public RegexOptions Options => _backtracking.Options & ~RegexOptions.Compiled;

    public override string ToString() => _backtracking.ToString();

    private Regex Backtracking
    {
        get
        {
            CompileWhenLong();
            return Volatile.Read(ref _backtracking);
        }
    }

    private Regex Untimed
    {
        get
        {
            CompileWhenLong();
            return Volatile.Read(ref _untimed);
        }
    }

    private void CompileWhenLong()
    {
        if (_uses < CompileAfter && Interlocked.Increment(ref _uses) == CompileAfter)
        {
            var first = _backtracking;
            Volatile.Write(ref _backtracking, new Regex(first.ToString(), first.Options | RegexOptions.Compiled, first.MatchTimeout));
            Volatile.Write(ref _untimed, new Regex(first.ToString(), first.Options | RegexOptions.Compiled, Regex.InfiniteMatchTimeout));
        }
    }
}
