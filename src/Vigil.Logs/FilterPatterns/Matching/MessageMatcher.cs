namespace Vigil.Logs.FilterPatterns.Matching;

/// <summary>A compiled filter pattern. Immutable, so one instance serves every thread.</summary>
internal abstract class MessageMatcher
{
    public abstract bool Matches(string message);

    /// <summary>Ordinal substrings that every message this matcher accepts contains (sound, not complete).</summary>
    public abstract IReadOnlyList<string> RequiredSubstrings { get; }
}
