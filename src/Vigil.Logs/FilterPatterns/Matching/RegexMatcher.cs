using System.Text.RegularExpressions;

namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>A standalone <c>%regex%</c> pattern: matches when the regex matches anywhere in the message.</summary>
internal sealed class RegexMatcher(Regex regex) : MessageMatcher
{
    public override IReadOnlyList<string> RequiredSubstrings => [];

    public override bool Matches(string message) => regex.IsMatch(message);
}
