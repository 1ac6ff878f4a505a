using Vigil.Metrics.Model;

namespace Vigil.Metrics.Query;

/// <summary>
/// A CloudWatch Metrics Insights statement, parsed, and its evaluation over an <see cref="IMetricSource"/>.
/// <para>
/// Syntax: <c>SELECT FUNC(metric) FROM namespace | SCHEMA(namespace[, dim…]) [WHERE dim = 'v' [AND dim != 'w' …]]
/// [GROUP BY dim[, …]] [ORDER BY FUNC() [ASC|DESC]] [LIMIT n]</c> with FUNC one of AVG, COUNT, MAX, MIN, SUM. Keywords
/// ignore case; names do not. Names other than letters/digits/underscore, and reserved words, go in double quotes;
/// values always in single quotes; a backslash escapes a quote. WHERE has only =, != and AND (no OR, IN or LIKE, as in
/// AWS); <c>dim != 'v'</c> needs the metric to have <c>dim</c>, as SQL's NULL comparison does.
/// </para>
/// <para>
/// Evaluation: the metrics named by SELECT in the namespace (exactly the SCHEMA's dimension set when SCHEMA is used)
/// that pass WHERE, the first <see cref="MaxMetricsScanned"/> in source order; grouped by the GROUP BY dimension values
/// (a metric without one of them falls in the value "Other"), or all in one group. Each period's value aggregates the
/// group's raw observations from the per-period cells: AVG = Σsum / Σcount, COUNT = Σcount, SUM = Σsum, MIN/MAX the
/// extreme of the minima/maxima. Periods shorter than 60 s are raised to 60 s (no high-resolution data) and only the
/// last <see cref="MaxRangeSeconds"/> of the window is read. Groups come back in ascending order of their values unless
/// ORDER BY applies its function to each result series' data points (empty series last); at most LIMIT and never more
/// than <see cref="MaxSeries"/> series. A grouped series is labelled with its group values, space-separated; the
/// single series of an ungrouped query carries the caller's label (the metric name by default).
/// </para>
/// </summary>
public sealed class InsightsQuery
{
    /// <summary>The most series a query returns, and the largest LIMIT.</summary>
    public const int MaxSeries = 500;

    /// <summary>The most metrics one query aggregates; matches past this are ignored.</summary>
    public const int MaxMetricsScanned = 10_000;

    /// <summary>How far back from the end of the window a query reads: two weeks.</summary>
    public const long MaxRangeSeconds = 14 * 24 * 3600;

    /// <summary>The shortest period Metrics Insights aggregates at.</summary>
    public const int MinPeriod = 60;

    /// <summary>The group value of a metric that lacks a GROUP BY dimension.</summary>
    public const string OtherGroup = "Other";

    private readonly string[]? _schema;
    private readonly InsightsCondition[] _where;
    private readonly string[] _groupBy;

    internal InsightsQuery(InsightsFunction function, string metricName, string @namespace, string[]? schema,
        InsightsCondition[] where, string[] groupBy, InsightsFunction? orderBy, bool descending, int? limit)
    {
        Function = function;
        MetricName = metricName;
        Namespace = @namespace;
        _schema = schema;
        _where = where;
        _groupBy = groupBy;
        OrderBy = orderBy;
        Descending = descending;
        Limit = limit;
    }

    public InsightsFunction Function { get; }
    public string MetricName { get; }
    public string Namespace { get; }

    /// <summary>The SCHEMA dimension names (sorted, ordinal; empty for SCHEMA(ns)), or null for a plain namespace.</summary>
    public IReadOnlyList<string>? SchemaDimensions => _schema;

    public IReadOnlyList<InsightsCondition> Where => _where;
    public IReadOnlyList<string> GroupBy => _groupBy;
    public InsightsFunction? OrderBy { get; }
    public bool Descending { get; }
    public int? Limit { get; }

    public static InsightsQuery Parse(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        return new InsightsParser(sql).Parse();
    }

    /// <summary>Whether the metric is one the query reads (before the scan cap).</summary>
    public bool Selects(MetricIdentity metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (!string.Equals(metric.MetricName, MetricName, StringComparison.Ordinal) || !string.Equals(metric.Namespace, Namespace, StringComparison.Ordinal))
        {
            return false;
        }
        if (_schema is not null)
        {
            if (metric.Dimensions.Count != _schema.Length)
            {
                return false;
            }
            for (var i = 0; i < _schema.Length; i++)
            {
                if (!string.Equals(metric.Dimensions[i].Name, _schema[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }
        }
        foreach (var c in _where)
        {
            var value = metric.DimensionValue(c.Dimension);
            if (value is null || string.Equals(value, c.Value, StringComparison.Ordinal) == c.NotEqual)
            {
                return false;
            }
        }
        return true;
    }

    public IReadOnlyList<TimeSeries> Execute(IMetricSource source, QueryWindow window) => Execute(source, window, null);

    /// <param name="source">The caller's metrics.</param>
    /// <param name="window">Range and period of the query.</param>
    /// <param name="label">Label of the single series of a query without GROUP BY (GetMetricData passes the query's
    /// Label or Id); the metric name when null.</param>
    public IReadOnlyList<TimeSeries> Execute(IMetricSource source, QueryWindow window, string? label)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (window.Period <= 0 || window.End <= window.Start)
        {
            throw new MetricQueryException("A Metrics Insights query needs a positive period and an end time after its start time.");
        }
        var w = EffectiveWindow(window);

        // Group the selected metrics by their GROUP BY values; the group order is fixed later.
        var groups = new Dictionary<string[], List<MetricIdentity>>(GroupKeyComparer.Instance);
        var scanned = 0;
        var scratch = new string[_groupBy.Length]; // looked up first; copied only when it starts a new group
        foreach (var m in source.ListMetrics(Namespace))
        {
            if (!Selects(m))
            {
                continue;
            }
            if (++scanned > MaxMetricsScanned)
            {
                break;
            }
            for (var i = 0; i < scratch.Length; i++)
            {
                scratch[i] = m.DimensionValue(_groupBy[i]) ?? OtherGroup;
            }
            if (!groups.TryGetValue(scratch, out var members))
            {
                groups[[.. scratch]] = members = [];
            }
            members.Add(m);
        }

        var slots = (int)((w.End - w.Start + w.Period - 1) / w.Period);
        var acc = new Accumulator(slots);
        var results = new List<(string[] Key, TimeSeries Series, double Order)>(groups.Count);
        foreach (var (key, members) in groups)
        {
            acc.Reset();
            foreach (var m in members)
            {
                var cells = source.FetchCells(m, w);
                if (cells is not null)
                {
                    acc.Add(cells, w);
                }
            }
            var series = acc.ToSeries(Function, w, _groupBy.Length == 0 ? label ?? MetricName : string.Join(' ', key));
            if (series.Count == 0 && _groupBy.Length > 0)
            {
                continue; // a group with no observations in range has nothing to show
            }
            results.Add((key, series, OrderBy is { } f ? Reduce(f, series.Values) : 0));
        }

        if (results.Count == 0 && _groupBy.Length == 0)
        {
            return [TimeSeries.Empty(label ?? MetricName)];
        }
        results.Sort((a, b) => CompareResults(a.Key, a.Order, b.Key, b.Order));
        var take = Math.Min(results.Count, Limit ?? MaxSeries);
        var output = new TimeSeries[take];
        for (var i = 0; i < take; i++)
        {
            output[i] = results[i].Series;
        }
        return output;
    }

    private int CompareResults(string[] keyA, double orderA, string[] keyB, double orderB)
    {
        if (OrderBy is not null)
        {
            // Series without data points (NaN) go last whichever the direction.
            var nanA = double.IsNaN(orderA);
            var nanB = double.IsNaN(orderB);
            if (nanA != nanB)
            {
                return nanA ? 1 : -1;
            }
            if (!nanA)
            {
                var c = orderA.CompareTo(orderB);
                if (c != 0)
                {
                    return Descending ? -c : c;
                }
            }
        }
        return GroupKeyComparer.Compare(keyA, keyB);
    }

    /// <summary>The window actually read: period at least a minute, start no earlier than two weeks before the end,
    /// still on the caller's period grid.</summary>
    internal static QueryWindow EffectiveWindow(QueryWindow window)
    {
        var period = Math.Max(window.Period, MinPeriod);
        var start = window.Start;
        var earliest = window.End - MaxRangeSeconds;
        if (earliest > start)
        {
            start += (earliest - start + period - 1) / period * period;
        }
        return new QueryWindow(start, Math.Max(start, window.End), period);
    }

    /// <summary>ORDER BY's value of one result series: the function over its data points.</summary>
    internal static double Reduce(InsightsFunction function, double[] values)
    {
        if (function == InsightsFunction.Count)
        {
            return values.Length;
        }
        if (values.Length == 0)
        {
            return function == InsightsFunction.Sum ? 0 : double.NaN;
        }
        double sum = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (var v in values)
        {
            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        return function switch
        {
            InsightsFunction.Sum => sum,
            InsightsFunction.Avg => sum / values.Length,
            InsightsFunction.Min => min,
            _ => max,
        };
    }

    /// <summary>Per-period totals of one group, reused across groups so aggregation allocates only its output.</summary>
    private sealed class Accumulator(int slots)
    {
        private readonly double[] _count = new double[slots];
        private readonly double[] _sum = new double[slots];
        private readonly double[] _min = new double[slots];
        private readonly double[] _max = new double[slots];
        private readonly bool[] _present = new bool[slots];
        private int _low = int.MaxValue;
        private int _high = -1;

        public void Reset()
        {
            if (_high >= 0)
            {
                Array.Clear(_present, _low, _high - _low + 1);
            }
            _low = int.MaxValue;
            _high = -1;
        }

        public void Add(PeriodCells cells, QueryWindow w)
        {
            for (var i = 0; i < cells.Count; i++)
            {
                var ts = cells.Timestamps[i];
                if (ts < w.Start || ts >= w.End)
                {
                    continue;
                }
                var slot = (int)((ts - w.Start) / w.Period);
                if (!_present[slot])
                {
                    _present[slot] = true;
                    _count[slot] = cells.SampleCount[i];
                    _sum[slot] = cells.Sum[i];
                    _min[slot] = cells.Minimum[i];
                    _max[slot] = cells.Maximum[i];
                    _low = Math.Min(_low, slot);
                    _high = Math.Max(_high, slot);
                }
                else
                {
                    _count[slot] += cells.SampleCount[i];
                    _sum[slot] += cells.Sum[i];
                    _min[slot] = Math.Min(_min[slot], cells.Minimum[i]);
                    _max[slot] = Math.Max(_max[slot], cells.Maximum[i]);
                }
            }
        }

        public TimeSeries ToSeries(InsightsFunction function, QueryWindow w, string label)
        {
            var n = 0;
            for (var s = _low; s <= _high; s++)
            {
                if (_present[s] && !(function == InsightsFunction.Avg && _count[s] == 0))
                {
                    n++;
                }
            }
            var timestamps = new long[n];
            var values = new double[n];
            var j = 0;
            for (var s = _low; s <= _high; s++)
            {
                if (!_present[s] || (function == InsightsFunction.Avg && _count[s] == 0))
                {
                    continue;
                }
                timestamps[j] = w.Start + ((long)s * w.Period);
                values[j++] = function switch
                {
                    InsightsFunction.Avg => _sum[s] / _count[s],
                    InsightsFunction.Count => _count[s],
                    InsightsFunction.Sum => _sum[s],
                    InsightsFunction.Min => _min[s],
                    _ => _max[s],
                };
            }
            return new TimeSeries(label, timestamps, values);
        }
    }

    /// <summary>Equality and ascending order of GROUP BY value tuples (ordinal, value by value).</summary>
    private sealed class GroupKeyComparer : IEqualityComparer<string[]>
    {
        public static readonly GroupKeyComparer Instance = new();

        public static int Compare(string[] a, string[] b)
        {
            for (var i = 0; i < a.Length; i++)
            {
                var c = string.CompareOrdinal(a[i], b[i]);
                if (c != 0)
                {
                    return c;
                }
            }
            return 0;
        }

        public bool Equals(string[]? x, string[]? y) => x is not null && y is not null && x.Length == y.Length && Compare(x, y) == 0;

        public int GetHashCode(string[] obj)
        {
            var h = new HashCode();
            foreach (var s in obj)
            {
                h.Add(s, StringComparer.Ordinal);
            }
            return h.ToHashCode();
        }
    }
}
