using Vigil.Metrics.Api;
using Vigil.Metrics.Model;
using Vigil.Metrics.Statistics;

namespace Vigil.Metrics.Reading;

/// <summary>The metrics of one (account, region) as SEARCH and Metrics Insights read them.</summary>
public sealed class CallerMetricSource(MetricReader reader, string accountId, string region) : IMetricSource
{
    private static readonly StatisticSpec[] s_cells = [StatisticSpec.SampleCount, StatisticSpec.Sum, StatisticSpec.Minimum, StatisticSpec.Maximum];

    // SEARCH and Metrics Insights obey the same retention tiers as MetricStat: no datapoints at a period finer than
    // what is still kept for the window's age (e.g. a 10 s period more than three hours back).
    private bool Servable(QueryWindow window) => TimeRules.PeriodServable(window, reader.Store.Clock.GetUtcNow());

    public IReadOnlyList<MetricIdentity> ListMetrics(string? @namespace)
    {
        // CloudWatch lists (and searches) metrics that received data in the last two weeks.
        var since = reader.Store.Clock.GetUtcNow().ToUnixTimeSeconds() - (14 * 86400);
        return [.. reader.Store.Catalog.Metrics(accountId, region, @namespace)
            .Where(m => m.Value.Any(s => s.LastIngested >= since))
            .Select(m => m.Key)
            .OrderBy(m => m.ToString(), StringComparer.Ordinal)];
    }

    public TimeSeries? Fetch(MetricIdentity metric, string statistic, QueryWindow window)
    {
        if (!Servable(window))
        {
            return null;
        }
        var spec = StatisticSpec.Parse(statistic);
        var result = reader.Aggregate(accountId, region, metric, null, window, [spec], splitByUnit: false);
        if (result.Count == 0)
        {
            return null;
        }
        var (ts, values) = result[0].WithoutGaps(0);
        return new TimeSeries(metric.MetricName, ts, values, metric);
    }

    public PeriodCells? FetchCells(MetricIdentity metric, QueryWindow window)
    {
        if (!Servable(window))
        {
            return null;
        }
        var result = reader.Aggregate(accountId, region, metric, null, window, s_cells, splitByUnit: false);
        if (result.Count == 0)
        {
            return null;
        }
        var r = result[0];
        return new PeriodCells(r.Timestamps, r.Column(0), r.Column(1), r.Column(2), r.Column(3));
    }
}
