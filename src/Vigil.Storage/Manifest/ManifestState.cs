namespace Vigil.Storage.Manifest;

/// <summary>
/// One committed state of an engine's storage: which block files are live, plus the engine's
/// own key/values (say, the WAL LSN its blocks cover). Immutable and thread-safe.
/// </summary>
public sealed class ManifestState
{
    internal ManifestState(long generation, string[] blocks, Dictionary<string, string> properties)
    {
        Generation = generation;
        Blocks = blocks;
        Properties = properties;
    }

    /// <summary>The state before the first commit: generation 0, no blocks, no properties.</summary>
    public static ManifestState Empty { get; } = new(0, [], new Dictionary<string, string>(StringComparer.Ordinal));

    /// <summary>1 for the first commit, +1 for each one after.</summary>
    public long Generation { get; }

    /// <summary>Live block file names, in the order they were committed.</summary>
    public IReadOnlyList<string> Blocks { get; }

    /// <summary>Engine-specific values; keys compare ordinally.</summary>
    public IReadOnlyDictionary<string, string> Properties { get; }
}
