using System.Globalization;
using Vigil.Metrics.Statistics;
using Vigil.Storage.Blocks;
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
public sealed class MetricStore : IAsyncDisposable
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
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _background;

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
        _background = options.BackgroundCheckpoints ? Task.Run(CheckpointLoopAsync) : Task.CompletedTask;
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
        var blockDir = Path.Combine(options.Directory, "blocks");
        var walDir = Path.Combine(options.Directory, "wal");
        Directory.CreateDirectory(blockDir);
        Directory.CreateDirectory(walDir);
        BlockWriter.DeleteTempFiles(blockDir);
        BlockWriter.DeleteTempFiles(options.Directory);
        var manifest = ManifestStore.Open(options.Directory, sync: options.Sync);
        var wal = WriteAheadLog.Open(new WalOptions { Directory = walDir, Sync = options.Sync });
        var store = new MetricStore(options, blockDir, wal, manifest);
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
                into.AppendRange(frozen, start, end);
            }
        }
        into.AppendRange(live, long.MinValue, long.MaxValue);
        into.SortByTime();
    }

    [ThreadStatic]
    private static SampleBuffer? t_live;
    [ThreadStatic]
    private static SampleBuffer? t_scratch;

    /// <summary>Seals the head into blocks and truncates the WAL. Safe to call at any time; one runs at a time.</summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            MetricHead frozen;
            ValueTask<long> marker;
            lock (_lock)
            {
                if (_head.SampleCount == 0)
                {
                    return;
                }
                frozen = _head;
                _head = new MetricHead();
                _sealing = [.. _sealing, frozen];
                marker = _wal.AppendAsync(MarkerRecord, ReadOnlyMemory<byte>.Empty, cancellationToken);
            }
            var markerLsn = await marker.ConfigureAwait(false);
            var written = SealToBlocks(frozen, markerLsn);

            var snapshotName = $"series-{markerLsn:D20}.snap";
            var snapshotPath = Path.Combine(_options.Directory, snapshotName);
            var tmp = AtomicFile.TempPathFor(snapshotPath);
            using (var file = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                file.Write(Catalog.EncodeSnapshot());
                file.Flush();
                FileSync.DataSync(file.SafeFileHandle, _options.Sync);
            }
            AtomicFile.Publish(tmp, snapshotPath, overwrite: true, _options.Sync);

            List<MetricBlock> blocks;
            lock (_lock)
            {
                blocks = [.. _blocks, .. written];
            }
            SortBlocks(blocks);
            var previousSnapshot = _manifest.Current.Properties.GetValueOrDefault(SeriesProperty);
            List<RollupBlock> rollups;
            lock (_lock)
            {
                rollups = _rollups;
            }
            _manifest.Commit([.. blocks.Select(b => b.FileName), .. rollups.Select(r => r.FileName)], new Dictionary<string, string>(StringComparer.Ordinal)
            {
                [CheckpointProperty] = markerLsn.ToString(CultureInfo.InvariantCulture),
                [SeriesProperty] = snapshotName,
            });
            lock (_lock)
            {
                _blocks = blocks;
                _sealing = [.. _sealing.Where(h => h != frozen)];
            }
            _wal.TruncateBefore(markerLsn);
            if (previousSnapshot is not null && previousSnapshot != snapshotName)
            {
                AtomicFile.DeleteIfExists(Path.Combine(_options.Directory, previousSnapshot));
            }
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    private List<MetricBlock> SealToBlocks(MetricHead frozen, long markerLsn)
    {
        var windows = new SortedDictionary<long, List<(int, SampleBuffer)>>();
        foreach (var (id, samples) in frozen.Series())
        {
            samples.SortByTime();
            var (lo, hi) = TimeRange(samples);
            var first = Window(lo);
            if (first == Window(hi))
            {
                Bucket(windows, first).Add((id, samples));
                continue;
            }
            for (var w = first; w <= hi; w += WindowSeconds)
            {
                var part = new SampleBuffer(0);
                part.AppendRange(samples, w, w + WindowSeconds);
                if (!part.IsEmpty)
                {
                    Bucket(windows, w).Add((id, part));
                }
            }
        }
        var written = new List<MetricBlock>();
        foreach (var (window, series) in windows)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"raw-{window:D12}-{markerLsn:D20}.blk");
            written.Add(MetricBlock.Write(_blockDir, name, window, series, _options.Sync));
        }
        return written;

        static List<(int, SampleBuffer)> Bucket(SortedDictionary<long, List<(int, SampleBuffer)>> windows, long w)
        {
            if (!windows.TryGetValue(w, out var list))
            {
                windows[w] = list = [];
            }
            return list;
        }
    }

    /// <summary>Appends the rollup cells of <paramref name="seriesId"/> with period starts in [start, end).</summary>
    public void ReadCells(int seriesId, long start, long end, List<TimedCell> into)
    {
        List<RollupBlock> rollups;
        lock (_lock)
        {
            rollups = _rollups;
        }
        foreach (var r in rollups)
        {
            if (r.WindowEnd > start && r.WindowStart < end)
            {
                r.Read(seriesId, start, end, into);
            }
        }
    }

    /// <summary>
    /// Moves data down CloudWatch's retention tiers as it ages (docs/formats/metric-store.md, "tiers"): day-windows of
    /// raw datapoints older than 15 days become 5-minute cells, 5-minute cells older than 63 days become 1-hour cells,
    /// and 1-hour cells older than 455 days are deleted. Each step publishes a new manifest before it deletes files.
    /// </summary>
    public async Task CompactAsync(CancellationToken cancellationToken = default)
    {
        await _checkpointGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = _options.Clock.GetUtcNow().ToUnixTimeSeconds();
            List<MetricBlock> blocks;
            List<RollupBlock> rollups;
            lock (_lock)
            {
                blocks = _blocks;
                rollups = _rollups;
            }
            var removedRaw = new HashSet<MetricBlock>();
            var removedRollups = new HashSet<RollupBlock>();
            var added = new List<RollupBlock>();
            foreach (var window in blocks.Select(b => b.WindowStart).Distinct().Where(w => w + WindowSeconds <= now - RawRetentionSeconds).ToList())
            {
                var sources = blocks.Where(b => b.WindowStart == window).ToList();
                added.Add(RollUpRaw(window, sources));
                removedRaw.UnionWith(sources);
            }
            // Checkpoints leave one block per day-window each; merge a window's blocks once they pile up, so a query
            // reads one or two chunks per series and day instead of one per checkpoint.
            var merged = new List<MetricBlock>();
            foreach (var group in blocks.Where(b => !removedRaw.Contains(b)).GroupBy(b => b.WindowStart).Where(g => g.Count() >= MergeThreshold).ToList())
            {
                var sources = group.ToList();
                merged.Add(MergeRaw(group.Key, sources));
                removedRaw.UnionWith(sources);
            }
            foreach (var r in rollups.Where(r => r.Resolution == 300 && r.WindowEnd <= now - FiveMinuteRetentionSeconds).ToList())
            {
                added.Add(RollUpCells(r));
                removedRollups.Add(r);
            }
            removedRollups.UnionWith(rollups.Where(r => r.Resolution == 3600 && r.WindowEnd <= now - HourRetentionSeconds));
            if (removedRaw.Count == 0 && removedRollups.Count == 0)
            {
                return;
            }
            List<MetricBlock> keptBlocks;
            List<RollupBlock> keptRollups;
            lock (_lock)
            {
                keptBlocks = [.. _blocks.Where(b => !removedRaw.Contains(b)), .. merged];
                keptRollups = [.. _rollups.Where(r => !removedRollups.Contains(r)), .. added];
            }
            SortBlocks(keptBlocks);
            keptRollups.Sort(static (a, b) => a.WindowStart != b.WindowStart ? a.WindowStart.CompareTo(b.WindowStart) : a.Resolution.CompareTo(b.Resolution));
            _manifest.Commit([.. keptBlocks.Select(b => b.FileName), .. keptRollups.Select(r => r.FileName)], _manifest.Current.Properties);
            lock (_lock)
            {
                _blocks = keptBlocks;
                _rollups = keptRollups;
            }
            foreach (var name in removedRaw.Select(b => b.FileName).Concat(removedRollups.Select(r => r.FileName)))
            {
                AtomicFile.DeleteIfExists(Path.Combine(_blockDir, name));
            }
        }
        finally
        {
            _checkpointGate.Release();
        }
    }

    public const long RawRetentionSeconds = 15 * 86400;
    public const long FiveMinuteRetentionSeconds = 63 * 86400;
    public const long HourRetentionSeconds = 455 * 86400;

    /// <summary>Raw blocks of one day-window that trigger a merge.</summary>
    public const int MergeThreshold = 4;

    private MetricBlock MergeRaw(long window, List<MetricBlock> sources)
    {
        // Named after the newest source, with "m": it sorts before any later checkpoint's block of the window.
        var newest = sources.Select(b => b.FileName).Max(StringComparer.Ordinal)!;
        var name = newest.Replace(".blk", "m.blk", StringComparison.Ordinal);
        var ids = sources.SelectMany(b => b.SeriesIds).Distinct().Order().ToList();
        var samples = new SampleBuffer();
        var scratch = new SampleBuffer();
        return MetricBlock.Write(_blockDir, name, window, Series(), _options.Sync);

        IEnumerable<(int, SampleBuffer)> Series()
        {
            foreach (var id in ids)
            {
                samples.Clear();
                foreach (var b in sources)
                {
                    b.Read(id, window, window + WindowSeconds, samples, scratch);
                }
                samples.SortByTime();
                yield return (id, samples);
            }
        }
    }

    private RollupBlock RollUpRaw(long window, List<MetricBlock> sources)
    {
        var ids = sources.SelectMany(b => b.SeriesIds).Distinct().Order().ToList();
        var series = new List<(int, List<TimedCell>)>(ids.Count);
        var samples = new SampleBuffer();
        var scratch = new SampleBuffer();
        var set = new SampleSet();
        foreach (var id in ids)
        {
            samples.Clear();
            foreach (var b in sources)
            {
                b.Read(id, window, window + WindowSeconds, samples, scratch);
            }
            samples.SortByTime();
            var cells = new List<TimedCell>();
            var ts = samples.Timestamps;
            var values = samples.Values;
            var counts = samples.Counts;
            var sets = samples.Sets;
            int i = 0, j = 0;
            while (i < ts.Length || j < sets.Count)
            {
                var next = i < ts.Length && (j >= sets.Count || ts[i] <= sets[j].Timestamp) ? ts[i] : sets[j].Timestamp;
                var cellStart = next - (((next - window) % 300) + 300) % 300;
                set.Clear();
                for (; i < ts.Length && ts[i] < cellStart + 300; i++)
                {
                    set.Add(values[i], counts.IsEmpty ? 1 : counts[i]);
                }
                for (; j < sets.Count && sets[j].Timestamp < cellStart + 300; j++)
                {
                    set.AddStatisticSet(sets[j].SampleCount, sets[j].Sum, sets[j].Minimum, sets[j].Maximum);
                }
                cells.Add(new TimedCell(cellStart, StatisticCell.FromSampleSet(set)));
            }
            series.Add((id, cells));
        }
        return RollupBlock.Write(_blockDir, string.Create(CultureInfo.InvariantCulture, $"r300-{window:D12}.blk"), window, 300, series, _options.Sync);
    }

    private RollupBlock RollUpCells(RollupBlock source)
    {
        var series = new List<(int, List<TimedCell>)>(source.SeriesIds.Count);
        var fine = new List<TimedCell>();
        foreach (var id in source.SeriesIds)
        {
            fine.Clear();
            source.Read(id, source.WindowStart, source.WindowEnd, fine);
            var cells = new List<TimedCell>();
            foreach (var c in fine)
            {
                var hour = c.Timestamp - (((c.Timestamp - source.WindowStart) % 3600) + 3600) % 3600;
                if (cells.Count > 0 && cells[^1].Timestamp == hour)
                {
                    cells[^1].Cell.Merge(c.Cell);
                }
                else
                {
                    var cell = new StatisticCell();
                    cell.Merge(c.Cell);
                    cells.Add(new TimedCell(hour, cell));
                }
            }
            series.Add((id, cells));
        }
        return RollupBlock.Write(_blockDir, string.Create(CultureInfo.InvariantCulture, $"r3600-{source.WindowStart:D12}.blk"), source.WindowStart, 3600, series, _options.Sync);
    }

    public static long Window(long timestamp) => timestamp - (((timestamp % WindowSeconds) + WindowSeconds) % WindowSeconds);

    private static (long Lo, long Hi) TimeRange(SampleBuffer samples)
    {
        long lo = long.MaxValue, hi = long.MinValue;
        if (samples.Count > 0)
        {
            lo = samples.Timestamps[0];
            hi = samples.Timestamps[^1];
        }
        foreach (var s in samples.Sets)
        {
            lo = Math.Min(lo, s.Timestamp);
            hi = Math.Max(hi, s.Timestamp);
        }
        return (lo, hi);
    }

    private async Task CheckpointLoopAsync()
    {
        var token = _stopping.Token;
        var lastCompaction = 0L;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), token).ConfigureAwait(false);
                bool due;
                lock (_lock)
                {
                    due = _head.ApproximateBytes >= _options.CheckpointHeadBytes
                        || (_head.SampleCount > 0 && Environment.TickCount64 - _head.CreatedAt >= _options.CheckpointInterval.TotalMilliseconds);
                }
                if (due)
                {
                    await CheckpointAsync(token).ConfigureAwait(false);
                }
                if (Environment.TickCount64 - lastCompaction >= 60_000)
                {
                    lastCompaction = Environment.TickCount64;
                    await CompactAsync(token).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The WAL still holds everything; the next attempt (or the next start) seals it.
                Console.Error.WriteLine($"vigil: metric checkpoint failed: {ex.Message}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _background.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
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
        _stopping.Dispose();
        _checkpointGate.Dispose();
    }
}
