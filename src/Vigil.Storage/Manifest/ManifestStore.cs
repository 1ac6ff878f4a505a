using Vigil.Storage.IO;

namespace Vigil.Storage.Manifest;

/// <summary>
/// Keeps an engine's <see cref="ManifestState"/> in one file (docs/formats/manifest.md), replaced
/// atomically on every <see cref="Commit"/>: write <c>&lt;file&gt;.tmp</c>, sync, rename over
/// the old file, sync the directory. A crash leaves the previous manifest or the new one,
/// never a mix. <see cref="Current"/> may be read from any thread; Commit calls are
/// serialised (engines call it from their single writer anyway).
/// </summary>
public sealed class ManifestStore
{
    public const string DefaultFileName = "MANIFEST";

    private readonly object _commitLock = new();
    private readonly string _tempPath;
    private readonly string _directory;
    private readonly SyncMode _sync;
    private volatile ManifestState _current;

    private ManifestStore(string path, ManifestState current, SyncMode sync)
    {
        Path = path;
        _tempPath = AtomicFile.TempPathFor(path);
        _directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        _current = current;
        _sync = sync;
    }

    /// <summary>Full path of the manifest file.</summary>
    public string Path { get; }

    /// <summary>The last committed manifest (<see cref="ManifestState.Empty"/> before the first commit).</summary>
    public ManifestState Current => _current;

    /// <summary>
    /// Opens the manifest in <paramref name="directory"/> (created if missing), deleting a
    /// leftover temp file from a commit that died before its rename. A missing manifest is
    /// <see cref="ManifestState.Empty"/>; a damaged one throws <see cref="StorageFormatException"/>
    /// and is left in place for inspection.
    /// </summary>
    public static ManifestStore Open(string directory, string fileName = DefaultFileName, SyncMode sync = SyncMode.Fsync)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        AtomicFile.ValidateFileName(fileName, nameof(fileName));
        Directory.CreateDirectory(directory);
        var path = System.IO.Path.Combine(directory, fileName);

        // The temp file never became the manifest: the rename is the commit point.
        AtomicFile.DeleteIfExists(AtomicFile.TempPathFor(path));

        var current = File.Exists(path) ? ManifestCodec.Decode(path, File.ReadAllBytes(path)) : ManifestState.Empty;
        return new ManifestStore(path, current, sync);
    }

    /// <summary>
    /// Durably replaces the manifest with <paramref name="blocks"/> and
    /// <paramref name="properties"/> at generation <c>Current.Generation + 1</c>, and returns
    /// it. Block names must be unique and non-empty; properties are stored sorted by key.
    /// <see cref="Current"/> always matches the file under the final name: if this throws
    /// before the rename, both are unchanged; if only the directory sync after the rename
    /// fails, both are the new manifest (visible, possibly not yet durable).
    /// </summary>
    public ManifestState Commit(IReadOnlyList<string> blocks, IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentNullException.ThrowIfNull(properties);
        var blockCopy = new string[blocks.Count];
        var seen = new HashSet<string>(blocks.Count, StringComparer.Ordinal);
        for (var i = 0; i < blockCopy.Length; i++)
        {
            var block = blocks[i];
            ArgumentException.ThrowIfNullOrEmpty(block, nameof(blocks));
            if (!seen.Add(block))
            {
                throw new ArgumentException($"Block '{block}' is listed twice.", nameof(blocks));
            }

            blockCopy[i] = block;
        }

        var propertyCopy = new Dictionary<string, string>(properties.Count, StringComparer.Ordinal);
        var sorted = new List<KeyValuePair<string, string>>(properties.Count);
        foreach (var pair in properties)
        {
            ArgumentException.ThrowIfNullOrEmpty(pair.Key, nameof(properties));
            ArgumentNullException.ThrowIfNull(pair.Value, nameof(properties));
            propertyCopy.Add(pair.Key, pair.Value);
            sorted.Add(pair);
        }

        // Sorted so equal manifests are equal bytes (diffable, testable).
        sorted.Sort(static (a, b) => string.CompareOrdinal(a.Key, b.Key));

        lock (_commitLock)
        {
            var generation = _current.Generation + 1;
            var bytes = ManifestCodec.Encode(generation, blockCopy, sorted);
            WriteTemp(bytes);
            File.Move(_tempPath, Path, overwrite: true); // the commit point
            var committed = new ManifestState(generation, blockCopy, propertyCopy);
            _current = committed;
            FileSync.Directory(_directory, _sync);
            return committed;
        }
    }

    private void WriteTemp(byte[] bytes)
    {
        try
        {
            using var handle = File.OpenHandle(_tempPath, FileMode.Create, FileAccess.Write, FileShare.None);
            RandomAccess.Write(handle, bytes, 0);
            FileSync.DataSync(handle, _sync);
        }
        catch
        {
            AtomicFile.DeleteIfExists(_tempPath);
            throw;
        }
    }
}
