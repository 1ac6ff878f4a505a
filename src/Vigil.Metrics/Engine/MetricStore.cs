using System.Globalization;
using Vigil.Metrics.Statistics;
using Vigil.Storage.Blocks;
using Vigil.Storage.Engines;
using Vigil.Storage.IO;
using Vigil.Storage.Manifest;
using Vigil.Storage.Wal;

namespace Vigil.Metrics.Engine;

/// <summary>
/// The durable datapoint store behind every metric API (layout: docs/formats/metric-store.md).
/// <para>
/// Write path: a PutMetricData batch is logged (new series' definitions first, then the samples) and applied to the
/// in-memory head under one lock, so the WAL's order is the head's order; the call is acknowledged once the WAL's
/// group commit has synced it. Read path: blocks covering the range, heads being sealed, the live head.
/// </para>
/// <para>
/// Checkpoint: the head is swapped for an empty one and a marker record is logged in the same critical section, so
/// every record before the marker is in the frozen head and every record after it is not. The frozen head is
/// written as one block per day-window, then the series snapshot, then the manifest (blocks + marker LSN) by atomic
/// rename; only then is the WAL truncated before the marker. Recovery loads the manifest's blocks and snapshot and
/// replays the WAL after the marker. A crash anywhere in a checkpoint leaves either the old manifest (the WAL still
/// has everything) or the new one.
/// </para>
/// </summary>
public sealed partial class MetricStore : IAsyncDisposable
{
    public const long WindowSeconds = 86_400;

    private const byte SamplesRecord = 1;
    private const byte SeriesRecord = 2;
    private const byte MarkerRecord = 3;
    private const string CheckpointProperty = "checkpoint-lsn";
    private const string SeriesProperty = "series-snapshot";

    private readonly MetricStoreOptions _options;
    private readonly string _blockDir;
    private readonly WriteAheadLog _wal;
    private readonly ManifestStore _manifest;
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _checkpointGate = new(1, 1);
    private readonly MaintenanceLoop? _maintenance;

    // Guarded by _lock. Readers copy the references under it.
    private MetricHead _head = new();
    private List<MetricHead> _sealing = [];
    private List<MetricBlock> _blocks = [];
    private List<RollupBlock> _rollups = [];
    // Every series id below this has its definition in the WAL (or the snapshot). Definitions are logged in id
    // order, so replay always meets them dense and ascending, whatever order concurrent writers take the lock in.
    private int _loggedUpTo;

    private MetricStore(MetricStoreOptions options, string blockDir, WriteAheadLog wal, ManifestStore manifest)
    {
        _options = options;
        _blockDir = blockDir;
        _wal = wal;
        _manifest = manifest;
        _maintenance = options.BackgroundCheckpoints ? MaintenanceLoop.Start("metric checkpoint", TimeSpan.FromMilliseconds(500), MaintainAsync) : null;
    }

    public SeriesCatalog Catalog { get; } = new();
    public string DataDirectory => _options.Directory;
    public TimeProvider Clock => _options.Clock;
    public WalRecoveryReport Recovery => _wal.Recovery;

    public long HeadSamples
    {
        get
        {
            lock (_lock)
            {
                return _head.SampleCount;
            }
        }
    }

    public IReadOnlyList<RollupBlock> Rollups
    {
        get
        {
            lock (_lock)
            {
                return [.. _rollups];
            }
        }
    }

    public IReadOnlyList<MetricBlock> Blocks
    {
        get
        {
            lock (_lock)
            {
                return [.. _blocks];
            }
        }
    }

    public static MetricStore Open(MetricStoreOptions options)
    {
        var files = EngineFiles.Open(options.Directory, options.Sync);
        var store = new MetricStore(options, files.BlockDirectory, files.Wal, files.Manifest);
        try
        {
            store.Recover();
        }
        catch
        {
            store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
        return store;
    }

    private void Recover()
    {
        var state = _manifest.Current;
        if (state.Properties.TryGetValue(SeriesProperty, out var snapshot))
        {
            Catalog.LoadSnapshot(File.ReadAllBytes(Path.Combine(_options.Directory, snapshot)));
        }
        var live = new HashSet<string>(state.Blocks, StringComparer.Ordinal);
        foreach (var name in state.Blocks)
        {
            if (name.StartsWith("raw-", StringComparison.Ordinal))
            {
                _blocks.Add(MetricBlock.Open(Path.Combine(_blockDir, name)));
            }
            else
            {
                _rollups.Add(RollupBlock.Open(Path.Combine(_blockDir, name)));
            }
        }
        SortBlocks(_blocks);
        // Blocks a crashed checkpoint wrote but never published: their data is still in the WAL.
        foreach (var path in Directory.EnumerateFiles(_blockDir, "*.blk"))
        {
            if (!live.Contains(Path.GetFileName(path)))
            {
                File.Delete(path);
            }
        }
        var checkpoint = state.Properties.TryGetValue(CheckpointProperty, out var lsn) ? long.Parse(lsn, CultureInfo.InvariantCulture) : 0;
        var sink = new MetricHead.Sink(_head);
        foreach (var record in _wal.Replay(checkpoint + 1))
        {
            switch (record.Type)
            {
                case SeriesRecord:
                    var offset = 0;
                    var span = record.Payload.Span;
                    while (offset < span.Length)
                    {
                        var (id, key, last) = SeriesCatalog.ReadDefinition(span, ref offset);
                        Catalog.Restore(id, key, last);
                    }
                    break;
                case SamplesRecord:
                    var touch = new TouchingSink(sink, Catalog, MetricWriteBatch.WallClock(record.Payload.Span));
                    MetricWriteBatch.Decode(record.Payload.Span, ref touch);
                    break;
            }
        }
        _loggedUpTo = Catalog.Count;
    }

    /// <summary>Replays samples into the head and restores each series' last-ingested time from the record.</summary>
    private readonly struct TouchingSink(MetricHead.Sink head, SeriesCatalog catalog, long wallClock) : ISampleSink
    {
        public void Value(int seriesId, long timestamp, double value, double count)
        {
            Touch(seriesId);
            head.Value(seriesId, timestamp, value, count);
        }

        public void Set(int seriesId, in StatisticSetSample set)
        {
            Touch(seriesId);
            head.Set(seriesId, set);
        }

        private void Touch(int seriesId)
        {
            var info = catalog.Get(seriesId);
            if (info.LastIngested < wallClock)
            {
                info.LastIngested = wallClock;
            }
        }
    }

    private static void SortBlocks(List<MetricBlock> blocks) =>
        blocks.Sort(static (a, b) => a.WindowStart != b.WindowStart ? a.WindowStart.CompareTo(b.WindowStart) : string.CompareOrdinal(a.FileName, b.FileName));

    /// <summary>Logs the batch and applies it to the head; completes once it is durable.</summary>
    public async ValueTask WriteAsync(MetricWriteBatch batch, CancellationToken cancellationToken = default)
    {
        if (batch.SampleCount == 0)
        {
            return;
        }
        var now = _options.Clock.GetUtcNow().ToUnixTimeSeconds();
        ValueTask<long> definitions = default;
        var hasDefinitions = false;
        ValueTask<long> samples;
        lock (_lock)
        {
            System.Buffers.ArrayBufferWriter<byte>? defs = null;
            var maxId = -1;
            foreach (var series in batch.Series)
            {
                series.LastIngested = now;
                maxId = Math.Max(maxId, series.Id);
            }
            if (maxId >= _loggedUpTo)
            {
                // Also the definitions of lower ids that other writers created but have not logged yet.
                defs = new System.Buffers.ArrayBufferWriter<byte>(256);
                for (var id = _loggedUpTo; id <= maxId; id++)
                {
                    SeriesCatalog.WriteDefinition(defs, Catalog.Get(id));
                }
                _loggedUpTo = maxId + 1;
            }
            if (defs is not null)
            {
                definitions = _wal.AppendAsync(SeriesRecord, defs.WrittenMemory, cancellationToken);
                hasDefinitions = true;
            }
            batch.SetWallClock(now);
            samples = _wal.AppendAsync(SamplesRecord, batch.Payload, cancellationToken);
            var sink = new MetricHead.Sink(_head);
            MetricWriteBatch.Decode(batch.Payload.Span, ref sink);
        }
        if (hasDefinitions)
        {
            await definitions.ConfigureAwait(false);
        }
        await samples.ConfigureAwait(false);
    }

    /// <summary>
    /// Appends the datapoints of <paramref name="seriesId"/> with timestamps in [start, end) to <paramref name="into"/>,
    /// sorted by time.
    /// </summary>
    public void Read(int seriesId, long start, long end, SampleBuffer into)
    {
        var live = t_live ??= new SampleBuffer();
        var scratch = t_scratch ??= new SampleBuffer();
        live.Clear();
        List<MetricBlock> blocks;
        List<MetricHead> sealing;
        lock (_lock)
        {
            blocks = _blocks;
            sealing = _sealing;
            if (_head.Get(seriesId) is { } head)
            {
                // Copied under the lock: the live head keeps growing.
                live.AppendRange(head, start, end);
            }
        }
        // Oldest first (blocks are sorted by window, then checkpoint; the head is newest), so the result is
        // usually in time order already and the sort below is a linear check.
        foreach (var block in blocks)
        {
            if (block.MaxTime >= start && block.MinTime < end)
            {
                block.Read(seriesId, start, end, into, scratch);
            }
        }
        foreach (var head in sealing)
        {
            if (head.Get(seriesId) is { } frozen)
            {
                lock (head.SealLock)
                {
                    into.AppendRange(frozen, start, end);
                }
            }
        }
        into.AppendRange(live, long.MinValue, long.MaxValue);
        into.SortByTime();
    }

    [ThreadStatic]
    private static SampleBuffer? t_live;
    [ThreadStatic]
    private static SampleBuffer? t_scratch;

    public static long Window(long timestamp) => timestamp - (((timestamp % WindowSeconds) + WindowSeconds) % WindowSeconds);

    public async ValueTask DisposeAsync()
    {
        if (_maintenance is not null)
        {
            await _maintenance.DisposeAsync().ConfigureAwait(false);
        }
        if (_options.BackgroundCheckpoints)
        {
            try
            {
                // A graceful stop seals the head, so the next start has no WAL to replay.
                await CheckpointAsync(CancellationToken.None).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Best effort: the WAL still holds everything if sealing fails.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                Console.Error.WriteLine($"vigil: metric checkpoint at shutdown failed: {ex.Message}");
            }
        }
        await _wal.DisposeAsync().ConfigureAwait(false);
        _checkpointGate.Dispose();
    }
}
