using Vigil.Metrics.Engine;
using Vigil.Metrics.Model;
using Vigil.Metrics.Statistics;

namespace Vigil.Metrics.Reading;

/// <summary>
/// Statistics of one metric for each period with data, by column: <see cref="Timestamps"/> (period starts, ascending)
/// and one column of values per requested statistic, in request order.
/// </summary>
public sealed class PeriodStatistics(string unit, long[] timestamps, double[][] columns)
{
    /// <summary>The unit of the data ("None" when published without one); "Mixed" never happens: units are kept apart.</summary>
    public string Unit { get; } = unit;
    public long[] Timestamps { get; } = timestamps;
    public int Count => Timestamps.Length;

    /// <summary>The values of statistic <paramref name="k"/> per period; NaN where the statistic is unavailable.</summary>
    public double[] Column(int k) => columns[k];

    /// <summary>
    /// The periods where statistic <paramref name="k"/> has a value (CloudWatch returns no datapoint where it has
    /// none, e.g. a percentile over negative values); the statistics' own arrays when no period lacks one.
    /// </summary>
    public (long[] Timestamps, double[] Values) WithoutGaps(int k)
    {
        var column = Column(k);
        var gaps = 0;
        foreach (var v in column)
        {
            gaps += double.IsNaN(v) ? 1 : 0;
        }
        if (gaps == 0)
        {
            return (Timestamps, column);
        }
        var ts = new long[column.Length - gaps];
        var values = new double[ts.Length];
        var n = 0;
        for (var i = 0; i < column.Length; i++)
        {
            if (!double.IsNaN(column[i]))
            {
                ts[n] = Timestamps[i];
                values[n++] = column[i];
            }
        }
        return (ts, values);
    }
}

/// <summary>
/// Turns stored datapoints into CloudWatch statistics per period: reads every series of a metric (its unit and
/// resolution variants) for the window, buckets by period and computes each statistic from the raw values
/// (<see cref="SampleSet"/>: exact). Standard-resolution data is stored to the second but CloudWatch keeps it at one-minute
/// granularity, so for periods under a minute its timestamps count as the start of their minute.
/// </summary>
public sealed class MetricReader(MetricStore store)
{
    public MetricStore Store => store;

    /// <summary>
    /// The statistics of <paramref name="metric"/> in <paramref name="window"/>. With <paramref name="splitByUnit"/>
    /// (GetMetricStatistics), one result per unit; otherwise all units together (GetMetricData, alarms).
    /// <paramref name="unit"/> keeps only data published with that unit.
    /// </summary>
    public List<PeriodStatistics> Aggregate(string accountId, string region, MetricIdentity metric, string? unit, QueryWindow window,
        IReadOnlyList<StatisticSpec> statistics, bool splitByUnit)
    {
        var results = new List<PeriodStatistics>();
        var series = store.Catalog.SeriesOf(accountId, region, metric);
        if (series.Length == 0)
        {
            return results;
        }
        var groups = series.Where(s => unit is null || s.Key.Unit == unit)
            .GroupBy(s => splitByUnit ? s.Key.Unit : "")
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        // Per-thread scratch: a 100-series query reads ~10k samples a series, and fresh buffers each time were a
        // third of its allocation. Dropped when a huge read left them big (see ReleaseScratch).
        var samples = t_samples ??= new SampleBuffer(1024);
        var part = t_part ??= new SampleBuffer(1024);
        var set = t_set ??= new SampleSet(64);
        var cells = new List<TimedCell>();
        foreach (var group in groups)
        {
            samples.Clear();
            cells.Clear();
            var parts = 0;
            var single = group.Count() == 1;
            foreach (var s in group)
            {
                // One series (the usual case): read straight into the buffer the periods are computed from.
                var target = single ? samples : part;
                target.Clear();
                store.Read(s.Id, window.Start, window.End, target);
                store.ReadCells(s.Id, window.Start, window.End, cells);
                if (target.IsEmpty)
                {
                    continue;
                }
                if (!s.Key.HighResolution && window.Period < 60)
                {
                    target.FloorTimestamps(60);
                }
                if (!single)
                {
                    samples.AppendRange(part, long.MinValue, long.MaxValue);
                }
                parts++;
            }
            if (samples.IsEmpty && cells.Count == 0)
            {
                continue;
            }
            if (parts > 1)
            {
                samples.SortByTime();
            }
            var resultUnit = splitByUnit ? group.Key : group.Select(s => s.Key.Unit).Distinct().Count() == 1 ? group.First().Key.Unit : "None";
            var result = Bucket(samples, window, statistics, set, resultUnit, cells.Count == 0 ? null : CellsByPeriod(cells, window));
            results.Add(result);
        }
        ReleaseScratch();
        return results;
    }

    private const long ScratchKeepBytes = 4 << 20;

    [ThreadStatic]
    private static SampleBuffer? t_samples;
    [ThreadStatic]
    private static SampleBuffer? t_part;
    [ThreadStatic]
    private static SampleSet? t_set;

    private static void ReleaseScratch()
    {
        if (t_samples?.HeapBytes > ScratchKeepBytes || t_part?.HeapBytes > ScratchKeepBytes)
        {
            t_samples = null;
            t_part = null;
        }
    }

    /// <summary>Rollup cells (data older than 15 days) merged per query period.</summary>
    private static SortedDictionary<long, StatisticCell> CellsByPeriod(List<TimedCell> cells, QueryWindow window)
    {
        var byPeriod = new SortedDictionary<long, StatisticCell>();
        foreach (var c in cells)
        {
            var p = window.PeriodStart(c.Timestamp);
            if (!byPeriod.TryGetValue(p, out var merged))
            {
                byPeriod[p] = merged = new StatisticCell();
            }
            merged.Merge(c.Cell);
        }
        return byPeriod;
    }

    private static PeriodStatistics Bucket(SampleBuffer samples, QueryWindow window, IReadOnlyList<StatisticSpec> statistics, SampleSet set, string unit,
        SortedDictionary<long, StatisticCell>? cells)
    {
        // Room for every period of the window (bounded by what the samples can fill), so the columns never grow.
        var periods = (window.End - window.Start + window.Period - 1) / window.Period;
        var capacity = (int)Math.Min(periods, samples.Count + samples.Sets.Count + (cells?.Count ?? 0));
        var columns = new PeriodColumns(statistics.Count, capacity);
        var ts = samples.Timestamps;
        var values = samples.Values;
        var counts = samples.Counts;
        var sets = samples.Sets;
        int i = 0, j = 0;
        while (i < ts.Length || j < sets.Count)
        {
            var next = i < ts.Length && (j >= sets.Count || ts[i] <= sets[j].Timestamp) ? ts[i] : sets[j].Timestamp;
            if (next < window.Start || next >= window.End)
            {
                // Truncation to the minute can move a point before the window start; it belongs to no period then.
                if (i < ts.Length && ts[i] == next)
                {
                    i++;
                }
                else
                {
                    j++;
                }
                continue;
            }
            var periodStart = window.PeriodStart(next);
            var periodEnd = periodStart + window.Period;
            set.Clear();
            // ts[i] ≥ next ≥ window.Start here (earlier points were skipped above).
            var first = i;
            while (i < ts.Length && ts[i] < periodEnd)
            {
                i++;
            }
            set.AddRange(values[first..i], counts.IsEmpty ? default : counts[first..i]);
            for (; j < sets.Count && sets[j].Timestamp < periodEnd; j++)
            {
                if (sets[j].Timestamp >= window.Start)
                {
                    set.AddStatisticSet(sets[j].SampleCount, sets[j].Sum, sets[j].Minimum, sets[j].Maximum);
                }
            }
            if (set.IsEmpty)
            {
                continue;
            }
            var row = columns.Add(periodStart);
            if (cells is not null && cells.Remove(periodStart, out var cell))
            {
                // A period that straddles the 15-day tier boundary: raw samples join the rollup cell.
                var merged = StatisticCell.FromSampleSet(set);
                merged.Merge(cell);
                for (var k = 0; k < statistics.Count; k++)
                {
                    columns.Set(k, row, merged.Compute(statistics[k]));
                }
            }
            else
            {
                for (var k = 0; k < statistics.Count; k++)
                {
                    columns.Set(k, row, set.Compute(statistics[k]));
                }
            }
        }
        if (cells is { Count: > 0 })
        {
            // Periods only the rollup tier covers (older than the raw data), merged in by time.
            foreach (var (periodStart, cell) in cells)
            {
                var row = columns.Insert(periodStart);
                for (var k = 0; k < statistics.Count; k++)
                {
                    columns.Set(k, row, cell.Compute(statistics[k]));
                }
            }
        }
        return columns.ToStatistics(unit);
    }

    /// <summary>Period starts and one value column per statistic, filled in time order (inserts only for rollup periods).</summary>
    private sealed class PeriodColumns(int statistics, int capacity)
    {
        private long[] _ts = new long[Math.Max(capacity, 1)];
        private readonly double[][] _columns = [.. Enumerable.Range(0, statistics).Select(_ => new double[Math.Max(capacity, 1)])];
        private int _count;

        public int Add(long periodStart)
        {
            Reserve();
            _ts[_count] = periodStart;
            return _count++;
        }

        public int Insert(long periodStart)
        {
            var at = Array.BinarySearch(_ts, 0, _count, periodStart);
            at = at < 0 ? ~at : at;
            Reserve();
            Array.Copy(_ts, at, _ts, at + 1, _count - at);
            foreach (var c in _columns)
            {
                Array.Copy(c, at, c, at + 1, _count - at);
            }
            _ts[at] = periodStart;
            _count++;
            return at;
        }

        public void Set(int statistic, int row, double value) => _columns[statistic][row] = value;

        public PeriodStatistics ToStatistics(string unit)
        {
            if (_count == _ts.Length)
            {
                return new PeriodStatistics(unit, _ts, _columns);
            }
            return new PeriodStatistics(unit, _ts[.._count], [.. _columns.Select(c => c[.._count])]);
        }

        private void Reserve()
        {
            if (_count < _ts.Length)
            {
                return;
            }
            Array.Resize(ref _ts, _ts.Length * 2);
            for (var k = 0; k < _columns.Length; k++)
            {
                Array.Resize(ref _columns[k], _ts.Length);
            }
        }
    }
}
