using System.Text.RegularExpressions;

namespace Vigil.Logs.Insights.Execution;

/// <summary>
/// A query's regex. Where .NET's linear-time engine (<see cref="RegexOptions.NonBacktracking"/>) supports the
/// pattern it is used: no input can make a match slow, so no match needs a time limit — a limit that a busy machine
/// (a GC pause, another scan) would hit on harmless patterns, silently dropping matches. Patterns it refuses
/// (lookarounds, backreferences, atomic groups) run on the backtracking engine with <see cref="Evaluator.RegexTimeout"/>
/// per match, interpreted at first and compiled once <see cref="CompileAfter"/> matches show the scan is long.
/// Thread-safe: scan workers share it.
/// </summary>
internal sealed class QueryRegex
{
    private const int CompileAfter = 20_000;

    private readonly Regex _first;
    private Regex _current;
    private int _uses;

    private QueryRegex(Regex regex) => _first = _current = regex;

    /// <summary>True when a match can time out (the backtracking engine); callers treat a timeout as "no match".</summary>
    public bool CanTimeOut => (_first.Options & RegexOptions.NonBacktracking) == 0;

    /// <summary>The regex to run now.</summary>
    public Regex Regex
    {
        get
        {
            if (CanTimeOut && _uses < CompileAfter && Interlocked.Increment(ref _uses) == CompileAfter)
            {
                Volatile.Write(ref _current, new Regex(_first.ToString(), _first.Options | RegexOptions.Compiled, _first.MatchTimeout));
            }

            return Volatile.Read(ref _current);
        }
    }

    /// <summary>Builds the regex; an invalid pattern throws <see cref="ArgumentException"/>.</summary>
    public static QueryRegex Create(string pattern, RegexOptions options)
    {
        try
        {
            return new QueryRegex(new Regex(pattern, options | RegexOptions.NonBacktracking));
        }
        catch (NotSupportedException)
        {
            return new QueryRegex(new Regex(pattern, options, Evaluator.RegexTimeout));
        }
    }

    public string[] GetGroupNames() => _first.GetGroupNames();

    public int GroupNumberFromName(string name) => _first.GroupNumberFromName(name);

    public override string ToString() => _first.ToString();
}
