namespace Vigil.Metrics.Model;

/// <summary>
/// The metrics of one caller (account, region) as the query languages (SEARCH, Metrics Insights) read them. The engine
/// implements it; tests use an in-memory one.
/// </summary>
public interface IMetricSource
{
    /// <summary>Every metric with data in the window's range (all when <paramref name="namespace"/> is null).</summary>
    IReadOnlyList<MetricIdentity> ListMetrics(string? @namespace);

    /// <summary>
    /// One value per period of <paramref name="window"/> for <paramref name="statistic"/> (SampleCount, Average, Sum,
    /// Minimum, Maximum or an extended statistic such as p99, tm90, IQM), or null when the metric has no data there.
    /// </summary>
    TimeSeries? Fetch(MetricIdentity metric, string statistic, QueryWindow window);

    /// <summary>Per-period cells of the metric in <paramref name="window"/>; null when it has no data there.</summary>
    PeriodCells? FetchCells(MetricIdentity metric, QueryWindow window);
}
