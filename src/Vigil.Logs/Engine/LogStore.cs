using System.Globalization;
using Vigil.Logs.Engine.Catalog;
using Vigil.Storage.Engines;
using Vigil.Storage.Manifest;
using Vigil.Storage.Wal;

namespace Vigil.Logs.Engine;

/// <summary>
/// The durable log event store behind every CloudWatch Logs API (layout: docs/formats/log-store.md).
/// <para>
/// Every change — a catalogue change (group, stream, setting, tag) or a batch of events — is logged and applied under
/// one lock, so the WAL's order is the live order, and acknowledged once the WAL's group commit has synced it.
/// Events go to their group's in-memory head; a checkpoint seals each head into a block (events sorted by time,
/// Brotli-compressed chunks with a trigram Bloom filter each), writes the catalogue snapshot and the manifest, and
/// truncates the WAL. Recovery loads the manifest's blocks and snapshot and replays the WAL after the marker.
/// </para>
/// </summary>
public sealed partial class LogStore : IAsyncDisposable
{
    private const byte CatalogRecord = 1;
    private const byte EventsRecord = 2;
    private const byte MarkerRecord = 3;
    private const string CheckpointProperty = "checkpoint-lsn";
    private const string CatalogProperty = "catalog-snapshot";
    private const string NextSeqProperty = "next-seq";

    private readonly LogStoreOptions _options;
    private readonly string _blockDir;
    private readonly WriteAheadLog _wal;
    private readonly ManifestStore _manifest;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private readonly ChunkCache _cache;
    private MaintenanceLoop? _maintenance;

    // Guarded by _lock.
    private LogCatalog _catalog = new();
    private Dictionary<int, LogHead> _heads = [];
    private List<Dictionary<int, LogHead>> _sealing = [];
    private List<LogBlock> _blocks = [];
    private long _nextSeq = 1;
    private long _headBytes;
    private long _headStartedAt;
    private int _disposed;

    private LogStore(LogStoreOptions options, string blockDir, WriteAheadLog wal, ManifestStore manifest)
    {
        _options = options;
        _blockDir = blockDir;
        _wal = wal;
        _manifest = manifest;
        _cache = new ChunkCache(options.ChunkCacheBytes);
    }

    /// <summary>
    /// Called after each acknowledged append with the group, stream, events and their ingestion time (live tail);
    /// must not block. <see cref="LogEventBatch.Decode"/> turns the events into strings when someone wants them.
    /// </summary>
    public Action<LogGroupKey, string, LogEventBatch, long>? Appended { get; set; }

    public TimeProvider Clock => _options.Clock;
    public WalRecoveryReport Recovery => _wal.Recovery;

    internal IReadOnlyList<LogBlock> Blocks
    {
        get
        {
            lock (_lock)
            {
                return [.. _blocks];
            }
        }
    }

    public static LogStore Open(LogStoreOptions options)
    {
        var files = EngineFiles.Open(options.Directory, options.Sync);
        var store = new LogStore(options, files.BlockDirectory, files.Wal, files.Manifest);
        try
        {
            store.Recover();
        }
        catch
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        if (options.BackgroundWork)
        {
            store._maintenance = MaintenanceLoop.Start("log checkpoint or retention", TimeSpan.FromMilliseconds(500), store.MaintainAsync);
        }

        return store;
    }

    private void Recover()
    {
        var state = _manifest.Current;
        if (state.Properties.TryGetValue(CatalogProperty, out var snapshot))
        {
            _catalog = LogCatalog.ReadSnapshot(File.ReadAllBytes(Path.Combine(_options.Directory, snapshot)));
        }

        if (state.Properties.TryGetValue(NextSeqProperty, out var seq))
        {
            _nextSeq = long.Parse(seq, CultureInfo.InvariantCulture);
        }

        var live = new HashSet<string>(state.Blocks, StringComparer.Ordinal);
        foreach (var name in state.Blocks)
        {
            _blocks.Add(LogBlock.Open(Path.Combine(_blockDir, name)));
        }

        // Blocks a crashed checkpoint wrote but never published: their events are still in the WAL.
        foreach (var path in Directory.EnumerateFiles(_blockDir))
        {
            if (!live.Contains(Path.GetFileName(path)))
            {
                File.Delete(path);
            }
        }

        var checkpoint = state.Properties.TryGetValue(CheckpointProperty, out var lsn) ? long.Parse(lsn, CultureInfo.InvariantCulture) : 0;
        foreach (var record in _wal.Replay(checkpoint + 1))
        {
            switch (record.Type)
            {
                case CatalogRecord:
                    _catalog.Apply(CatalogChange.Read(record.Payload.Span));
                    break;
                case EventsRecord:
                    ApplyEvents(record.Payload.Span);
                    break;
            }
        }

        RecomputeBlockBytes();
    }

    // ---- Catalogue ---------------------------------------------------------------------------------------------

    public ValueTask CreateLogGroupAsync(LogGroupKey key, string? kmsKeyId, string? logGroupClass, bool deletionProtection, IReadOnlyDictionary<string, string>? tags, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_catalog.Find(key) is not null)
            {
                throw new LogStoreException(LogStoreError.LogGroupExists, "The specified log group already exists");
            }

            return LogChange(new CatalogChange(CatalogOp.CreateGroup, _catalog.AllocateGroupId(), Now())
            {
                Key = key,
                KmsKeyId = kmsKeyId,
                LogGroupClass = logGroupClass ?? "STANDARD",
                DeletionProtection = deletionProtection,
                Tags = tags,
            }, cancellationToken);
        }
    }

    public ValueTask DeleteLogGroupAsync(LogGroupKey key, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var group = RequireGroup(key);
            if (group.DeletionProtection)
            {
                throw new LogStoreException(LogStoreError.DeletionProtected, "Log group deletion protection is enabled; disable it before deleting the log group.");
            }

            _heads.Remove(group.Id);
            return LogChange(new CatalogChange(CatalogOp.DeleteGroup, group.Id, Now()), cancellationToken);
        }
    }

    public ValueTask SetRetentionAsync(LogGroupKey key, int? days, CancellationToken cancellationToken = default) =>
        ChangeGroup(key, id => new CatalogChange(CatalogOp.SetRetention, id, Now()) { RetentionInDays = days }, cancellationToken);

    public ValueTask SetKmsKeyAsync(LogGroupKey key, string? kmsKeyId, CancellationToken cancellationToken = default) =>
        ChangeGroup(key, id => new CatalogChange(CatalogOp.SetKmsKey, id, Now()) { KmsKeyId = kmsKeyId }, cancellationToken);

    public ValueTask SetDeletionProtectionAsync(LogGroupKey key, bool enabled, CancellationToken cancellationToken = default) =>
        ChangeGroup(key, id => new CatalogChange(CatalogOp.SetDeletionProtection, id, Now()) { DeletionProtection = enabled }, cancellationToken);

    public ValueTask TagLogGroupAsync(LogGroupKey key, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken = default) =>
        ChangeGroup(key, id => new CatalogChange(CatalogOp.Tag, id, Now()) { Tags = tags }, cancellationToken);

    public ValueTask UntagLogGroupAsync(LogGroupKey key, IReadOnlyList<string> tagKeys, CancellationToken cancellationToken = default) =>
        ChangeGroup(key, id => new CatalogChange(CatalogOp.Untag, id, Now()) { TagKeys = tagKeys }, cancellationToken);

    public ValueTask CreateLogStreamAsync(LogGroupKey key, string streamName, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var group = RequireGroup(key);
            if (group.Streams.ContainsKey(streamName))
            {
                throw new LogStoreException(LogStoreError.LogStreamExists, "The specified log stream already exists");
            }

            return LogChange(new CatalogChange(CatalogOp.CreateStream, group.Id, Now()) { StreamId = _catalog.AllocateStreamId(), StreamName = streamName }, cancellationToken);
        }
    }

    /// <summary>Deletes a stream; its events disappear at once (blocks skip events of streams no longer live).</summary>
    public ValueTask DeleteLogStreamAsync(LogGroupKey key, string streamName, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var group = RequireGroup(key);
            var stream = RequireStream(group, streamName);
            return LogChange(new CatalogChange(CatalogOp.DeleteStream, group.Id, Now()) { StreamId = stream.Id, StreamName = streamName }, cancellationToken);
        }
    }

    public LogGroupInfo? GetLogGroup(LogGroupKey key)
    {
        lock (_lock)
        {
            return _catalog.Find(key)?.Snapshot();
        }
    }

    /// <summary>
    /// Whether the stream exists, and its group's retention: what PutLogEvents needs before it splits a batch, without
    /// the snapshots <see cref="GetLogGroup"/> and <see cref="GetLogStream"/> make.
    /// </summary>
    public bool TryGetStreamRetention(LogGroupKey key, string streamName, out int? retentionInDays)
    {
        lock (_lock)
        {
            var group = _catalog.Find(key);
            retentionInDays = group?.RetentionInDays;
            return group is not null && group.Streams.ContainsKey(streamName);
        }
    }

    /// <summary>The account's log groups in the region, ordered by name.</summary>
    public IReadOnlyList<LogGroupInfo> ListLogGroups(string accountId, string region)
    {
        lock (_lock)
        {
            return [.. _catalog.Groups
                .Where(g => g.Key.AccountId == accountId && g.Key.Region == region)
                .OrderBy(g => g.Key.Name, StringComparer.Ordinal)
                .Select(g => g.Snapshot())];
        }
    }

    /// <summary>The group's streams ordered by name; throws when the group does not exist.</summary>
    public IReadOnlyList<LogStreamInfo> ListLogStreams(LogGroupKey key)
    {
        lock (_lock)
        {
            return [.. RequireGroup(key).Streams.Values.Select(s => s.Snapshot())];
        }
    }

    /// <summary>One stream of the group (null when the stream does not exist); throws when the group does not exist.</summary>
    public LogStreamInfo? GetLogStream(LogGroupKey key, string streamName)
    {
        lock (_lock)
        {
            return RequireGroup(key).Streams.GetValueOrDefault(streamName)?.Snapshot();
        }
    }

    private ValueTask ChangeGroup(LogGroupKey key, Func<int, CatalogChange> change, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return LogChange(change(RequireGroup(key).Id), cancellationToken);
        }
    }

    /// <summary>Applies and logs a change; call under the lock. The returned task completes once it is durable.</summary>
    private ValueTask LogChange(CatalogChange change, CancellationToken cancellationToken)
    {
        var payload = new System.Buffers.ArrayBufferWriter<byte>(64);
        change.WriteTo(payload);
        _catalog.Apply(change);
        var append = _wal.AppendAsync(CatalogRecord, payload.WrittenMemory, cancellationToken);
        return Durable(append);

        static async ValueTask Durable(ValueTask<long> append) => await append.ConfigureAwait(false);
    }

    private LogGroupState RequireGroup(LogGroupKey key) =>
        _catalog.Find(key) ?? throw new LogStoreException(LogStoreError.LogGroupNotFound, "The specified log group does not exist.");

    private static LogStreamState RequireStream(LogGroupState group, string streamName) =>
        group.Streams.GetValueOrDefault(streamName) ?? throw new LogStoreException(LogStoreError.LogStreamNotFound, "The specified log stream does not exist.");

    private long Now() => _options.Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private void RecomputeBlockBytes()
    {
        foreach (var g in _catalog.Groups)
        {
            g.BlockBytes = 0;
        }

        foreach (var b in _blocks)
        {
            if (_catalog.Find(b.GroupId) is { } g)
            {
                g.BlockBytes += b.SizeBytes;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        if (_maintenance is not null)
        {
            await _maintenance.DisposeAsync().ConfigureAwait(false);
        }

        await _wal.DisposeAsync().ConfigureAwait(false);
        lock (_lock)
        {
            foreach (var b in _blocks)
            {
                b.Dispose();
            }

            _blocks = [];
        }

        _checkpointGate.Dispose();
        _recompressGate.Dispose();
    }
}
