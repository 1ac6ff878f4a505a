using Vigil.Metrics.Engine;
using Vigil.Metrics.Model;
using Vigil.Metrics.Statistics;

namespace Vigil.Metrics.Reading;

/// <summary>Statistics of one metric for each period with data: one row of values per requested statistic.</summary>
public sealed class PeriodStatistics(string unit, List<long> timestamps, List<double[]> values)
{
    /// <summary>The unit of the data ("None" when published without one); "Mixed" never happens: units are kept apart.</summary>
    public string Unit { get; } = unit;
    public List<long> Timestamps { get; } = timestamps;

    /// <summary>Per period, one value per statistic in request order; NaN where the statistic is unavailable.</summary>
    public List<double[]> Values { get; } = values;
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
        var samples = new SampleBuffer(256);
        var part = new SampleBuffer(256);
        var set = new SampleSet(64);
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
        return results;
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
        var timestamps = new List<long>();
        var rows = new List<double[]>();
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
            for (; i < ts.Length && ts[i] < periodEnd; i++)
            {
                if (ts[i] >= window.Start)
                {
                    set.Add(values[i], counts.IsEmpty ? 1 : counts[i]);
                }
            }
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
            var row = new double[statistics.Count];
            if (cells is not null && cells.Remove(periodStart, out var cell))
            {
                // A period that straddles the 15-day tier boundary: raw samples join the rollup cell.
                var merged = StatisticCell.FromSampleSet(set);
                merged.Merge(cell);
                for (var k = 0; k < row.Length; k++)
                {
                    row[k] = merged.Compute(statistics[k]);
                }
            }
            else
            {
                for (var k = 0; k < row.Length; k++)
                {
                    row[k] = set.Compute(statistics[k]);
                }
            }
            timestamps.Add(periodStart);
            rows.Add(row);
        }
        if (cells is { Count: > 0 })
        {
            foreach (var (periodStart, cell) in cells)
            {
                var row = new double[statistics.Count];
                for (var k = 0; k < row.Length; k++)
                {
                    row[k] = cell.Compute(statistics[k]);
                }
                var at = timestamps.BinarySearch(periodStart);
                timestamps.Insert(~at, periodStart);
                rows.Insert(~at, row);
            }
        }
        return new PeriodStatistics(unit, timestamps, rows);
    }
}
