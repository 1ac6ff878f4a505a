using Vigil.Logs.FilterPatterns;

namespace Vigil.Logs.Tests.FilterPatterns;

internal static class PatternRun
{
    /// <summary>Which of <paramref name="messages"/> the pattern matches, in order.</summary>
    public static bool[] Over(string pattern, params string[] messages)
    {
        var compiled = FilterPattern.Parse(pattern);
        return [.. messages.Select(compiled.Matches)];
    }
}
