using Vigil.Metrics.Model;

namespace Vigil.Metrics.MetricMath;

/// <summary>What an expression is evaluated against: the window and the results of the queries computed before it.</summary>
public sealed class MetricMathContext
{
    public MetricMathContext(QueryWindow window, IReadOnlyList<KeyValuePair<string, IReadOnlyList<TimeSeries>>> series)
    {
        Window = window;
        Series = series;
    }

    public QueryWindow Window { get; }

    /// <summary>The results computed so far, by query id, in request order (METRICS() keeps that order).</summary>
    public IReadOnlyList<KeyValuePair<string, IReadOnlyList<TimeSeries>>> Series { get; }

    /// <summary>SEARCH(query, statistic, period) as the engine answers it; null when SEARCH is unavailable.</summary>
    public Func<string, string, int, IReadOnlyList<TimeSeries>>? Search { get; init; }

    /// <summary>
    /// Ids in <see cref="Series"/> that are results of expressions rather than MetricStat queries: METRICS() skips them
    /// and PERIOD() rejects them. Empty means every entry is a metric.
    /// </summary>
    public IReadOnlySet<string> ExpressionIds { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The Period of queries that set their own (otherwise <see cref="QueryWindow.Period"/> applies).</summary>
    public IReadOnlyDictionary<string, int> Periods { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    internal int PeriodOf(string id) => Periods.TryGetValue(id, out var p) && p > 0 ? p : Window.Period;

    internal IReadOnlyList<TimeSeries>? Find(string id)
    {
        foreach (var kv in Series)
        {
            if (string.Equals(kv.Key, id, StringComparison.Ordinal))
            {
                return kv.Value;
            }
        }
        return null;
    }
}
