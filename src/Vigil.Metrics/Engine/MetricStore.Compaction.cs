using System.Globalization;
using Vigil.Metrics.Statistics;
using Vigil.Storage.IO;

namespace Vigil.Metrics.Engine;

/// <summary>Compaction: block merges and the retention tiers (docs/formats/metric-store.md, "Retention tiers").</summary>
public sealed partial class MetricStore
{
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
}
