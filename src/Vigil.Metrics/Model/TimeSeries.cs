namespace Vigil.Metrics.Model;

/// <summary>
/// A series as queries and metric math see it: one value per period, timestamps (Unix seconds, the start of each
/// period) strictly ascending. Periods without data are absent, not NaN. <see cref="Metric"/> is set when the series
/// comes straight from one stored metric (SEARCH, Metrics Insights, MetricStat), for labels and METRICS().
/// </summary>
public sealed class TimeSeries(string label, long[] timestamps, double[] values, MetricIdentity? metric = null)
{
    public string Label { get; set; } = label;
    public long[] Timestamps { get; } = timestamps;
    public double[] Values { get; } = values;
    public MetricIdentity? Metric { get; } = metric;
    public int Count => Timestamps.Length;

    public static TimeSeries Empty(string label) => new(label, [], []);
}

/// <summary>The window of a query: [Start, End) in Unix seconds, and the period in seconds.</summary>
public readonly record struct QueryWindow(long Start, long End, int Period)
{
    /// <summary>The start of the period <paramref name="timestamp"/> falls in (periods are aligned to <see cref="Start"/>).</summary>
    public long PeriodStart(long timestamp) => Start + (timestamp - Start) / Period * Period;
}

/// <summary>
/// Per-period statistic cells of one metric (what Metrics Insights aggregates across series): for each period with
/// data, its start and the sample count, sum, minimum and maximum. Arrays share one length; timestamps ascend.
/// </summary>
public sealed class PeriodCells(long[] timestamps, double[] sampleCount, double[] sum, double[] minimum, double[] maximum)
{
    public long[] Timestamps { get; } = timestamps;
    public double[] SampleCount { get; } = sampleCount;
    public double[] Sum { get; } = sum;
    public double[] Minimum { get; } = minimum;
    public double[] Maximum { get; } = maximum;
    public int Count => Timestamps.Length;
}
