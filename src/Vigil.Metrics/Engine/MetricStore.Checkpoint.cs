using System.Globalization;
using Vigil.Metrics.Statistics;
using Vigil.Storage.IO;

namespace Vigil.Metrics.Engine;

/// <summary>Checkpoints: sealing the head into blocks (docs/formats/metric-store.md, "Checkpoint").</summary>
public sealed partial class MetricStore
{
    private long _lastCompaction; // background loop only; 0 = the first pass compacts
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
                _head = new MetricHead(frozen);
                _sealing = [.. _sealing, frozen];
                marker = _wal.AppendAsync(MarkerRecord, ReadOnlyMemory<byte>.Empty, cancellationToken);
            }
            var markerLsn = await marker.ConfigureAwait(false);
            var written = SealToBlocks(frozen, markerLsn);

            var snapshotName = $"series-{markerLsn:D20}.snap";
            AtomicFile.WriteAllBytes(Path.Combine(_options.Directory, snapshotName), Catalog.EncodeSnapshot(), _options.Sync);

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
            lock (frozen.SealLock)
            {
                samples.SortByTime();
            }
            var (lo, hi) = samples.TimeRange();
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

    /// <summary>One pass of the background loop (every 500 ms): a checkpoint when due, compaction every minute.</summary>
    private async Task MaintainAsync(CancellationToken cancellationToken)
    {
        bool due;
        lock (_lock)
        {
            due = _head.ApproximateBytes >= _options.CheckpointHeadBytes
                || (_head.SampleCount > 0 && Environment.TickCount64 - _head.CreatedAt >= _options.CheckpointInterval.TotalMilliseconds);
        }
        if (due)
        {
            await CheckpointAsync(cancellationToken).ConfigureAwait(false);
        }
        if (Environment.TickCount64 - _lastCompaction >= 60_000)
        {
            _lastCompaction = Environment.TickCount64;
            await CompactAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
