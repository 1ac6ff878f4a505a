using Vigil.Metrics.Model;

namespace Vigil.Metrics.Query;

/// <summary>
/// Runs a SEARCH expression: every metric of the source that the query matches, one series each for the statistic at
/// the expression's period. At most <see cref="MaxResults"/> series come back (AWS's cap); matches are taken in a
/// stable order (namespace, metric name, dimensions) so the same catalogue always gives the same ones.
/// <para>
/// Labels follow CloudWatch: a series is named by its dimension values (in dimension-name order, space-separated);
/// when the results hold more than one metric name, or the metric has no dimensions, the metric name is appended; if
/// two series would still share a label, the namespace is appended too.
/// </para>
/// </summary>
public static class MetricSearch
{
    /// <summary>The most series one SEARCH expression returns.</summary>
    public const int MaxResults = 500;

    public static IReadOnlyList<TimeSeries> Run(IMetricSource source, string query, string statistic, int period, QueryWindow window)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(statistic);
        if (period <= 0)
        {
            throw new MetricQueryException($"The period of a search expression must be a positive number of seconds; it is {period}.");
        }
        if (statistic.Length == 0)
        {
            throw new MetricQueryException("The statistic of a search expression must not be empty.");
        }
        var parsed = SearchQuery.Parse(query);
        var matches = new List<MetricIdentity>();
        foreach (var m in source.ListMetrics(parsed.Namespace))
        {
            if (parsed.Matches(m))
            {
                matches.Add(m);
            }
        }
        matches.Sort(CompareIdentity);
        if (matches.Count > MaxResults)
        {
            matches.RemoveRange(MaxResults, matches.Count - MaxResults);
        }

        var labels = Labels(matches);
        var at = window with { Period = period };
        var result = new TimeSeries[matches.Count];
        for (var i = 0; i < matches.Count; i++)
        {
            var data = source.Fetch(matches[i], statistic, at);
            // A listed metric without points in this window still comes back, empty, so the set of series is stable.
            result[i] = data is null
                ? new TimeSeries(labels[i], [], [], matches[i])
                : new TimeSeries(labels[i], data.Timestamps, data.Values, matches[i]);
        }
        return result;
    }

    internal static string[] Labels(IReadOnlyList<MetricIdentity> metrics)
    {
        var manyNames = false;
        for (var i = 1; i < metrics.Count && !manyNames; i++)
        {
            manyNames = !string.Equals(metrics[i].MetricName, metrics[0].MetricName, StringComparison.Ordinal);
        }
        var labels = new string[metrics.Count];
        for (var i = 0; i < metrics.Count; i++)
        {
            var m = metrics[i];
            var values = string.Join(' ', m.Dimensions.Select(static d => d.Value));
            labels[i] = values.Length == 0 ? m.MetricName : manyNames ? values + " " + m.MetricName : values;
        }
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var l in labels)
        {
            counts[l] = counts.GetValueOrDefault(l) + 1;
        }
        for (var i = 0; i < labels.Length; i++)
        {
            if (counts[labels[i]] > 1)
            {
                labels[i] += " " + metrics[i].Namespace;
            }
        }
        return labels;
    }

    internal static int CompareIdentity(MetricIdentity a, MetricIdentity b)
    {
        var c = string.CompareOrdinal(a.Namespace, b.Namespace);
        if (c != 0)
        {
            return c;
        }
        c = string.CompareOrdinal(a.MetricName, b.MetricName);
        if (c != 0)
        {
            return c;
        }
        for (var i = 0; i < Math.Min(a.Dimensions.Count, b.Dimensions.Count); i++)
        {
            c = string.CompareOrdinal(a.Dimensions[i].Name, b.Dimensions[i].Name);
            if (c == 0)
            {
                c = string.CompareOrdinal(a.Dimensions[i].Value, b.Dimensions[i].Value);
            }
            if (c != 0)
            {
                return c;
            }
        }
        return a.Dimensions.Count.CompareTo(b.Dimensions.Count);
    }
}
