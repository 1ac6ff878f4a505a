using Vigil.Metrics.Model;

namespace Vigil.Metrics.Engine;

/// <summary>
/// What one stored series is: a metric of one (account, region), plus the unit its datapoints were published with
/// and whether they were high-resolution. CloudWatch keeps units apart (a Unit filter selects them) and lets
/// sub-minute periods read high-resolution data only, so each (unit, resolution) variant is its own series;
/// ListMetrics folds the variants of a metric back into one.
/// </summary>
public sealed record SeriesKey(string AccountId, string Region, MetricIdentity Metric, string Unit, bool HighResolution);

/// <summary>A series as the catalogue holds it.</summary>
public sealed class SeriesInfo(int id, SeriesKey key)
{
    public int Id { get; } = id;
    public SeriesKey Key { get; } = key;

    /// <summary>Wall-clock Unix seconds of the last PutMetricData that wrote it (ListMetrics' RecentlyActive, 2-week listing).</summary>
    public long LastIngested { get; set; }
}
