using System.Globalization;
using Vigil.Metrics.Engine;
using Vigil.Metrics.Model;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.CloudWatch;

namespace Vigil.Metrics.Api;

/// <summary>
/// PutMetricData: every datum is checked before anything is logged, so a rejected call stores nothing. Limits as
/// CloudWatch documents them: 1,000 datums per call (MetricData and EntityMetricData together), 150 values per datum,
/// 30 dimensions, values finite and within ±2^360, timestamps from two weeks back to two hours ahead, storage
/// resolution 1 or 60, no namespace under "AWS/" (reserved for AWS services).
/// </summary>
internal sealed class PutMetricDataHandler(MetricStore store)
{
    public const int MaxDatums = 1000;
    public const int MaxValuesPerDatum = 150;

    /// <summary>CloudWatch's limit on a PutMetricData HTTP POST (as sent; gzip counts compressed).</summary>
    public const long MaxRequestBytes = 1024 * 1024;
    private static readonly double s_maxMagnitude = Math.Pow(2, 360);

    public async ValueTask HandleAsync(CallContext context, PutMetricDataInput input, CancellationToken ct)
    {
        if (context.RequestBytes > MaxRequestBytes)
        {
            throw Vigil.Protocol.Errors.GatewayErrors.RequestTooLarge(MaxRequestBytes);
        }
        var ns = input.Namespace!;
        if (ns.StartsWith("AWS/", StringComparison.Ordinal))
        {
            throw MetricErrors.BadParameter("Namespace", ns);
        }
        var datums = new List<(MetricDatum Datum, string Path)>();
        AddDatums(datums, input.MetricData, "MetricData.member.");
        if (input.EntityMetricData is { } entities)
        {
            for (var e = 0; e < entities.Count; e++)
            {
                AddDatums(datums, entities[e].MetricData, $"EntityMetricData.member.{e + 1}.MetricData.member.");
            }
        }
        if (datums.Count == 0)
        {
            throw MetricErrors.Missing("The parameter MetricData is required.");
        }
        if (datums.Count > MaxDatums)
        {
            throw MetricErrors.InvalidValue($"The collection MetricData must not have a size greater than {MaxDatums}.");
        }

        var now = store.Clock.GetUtcNow();
        var batch = new MetricWriteBatch();
        foreach (var (datum, path) in datums)
        {
            Validate(datum, path, now);
        }
        foreach (var (datum, _) in datums)
        {
            Add(batch, context, ns, datum, now);
        }
        await store.WriteAsync(batch, ct).ConfigureAwait(false);
    }

    private static void AddDatums(List<(MetricDatum, string)> into, List<MetricDatum>? datums, string prefix)
    {
        if (datums is null)
        {
            return;
        }
        for (var i = 0; i < datums.Count; i++)
        {
            into.Add((datums[i], prefix + (i + 1).ToString(CultureInfo.InvariantCulture)));
        }
    }

    private static void Validate(MetricDatum d, string path, DateTimeOffset now)
    {
        var given = (d.Value.HasValue ? 1 : 0) + (d.Values is { Count: > 0 } ? 1 : 0) + (d.StatisticValues is not null ? 1 : 0);
        if (given > 1)
        {
            var names = new List<string>();
            if (d.Value.HasValue)
            {
                names.Add($"{path}.Value");
            }
            if (d.Values is { Count: > 0 })
            {
                names.Add($"{path}.Values");
            }
            if (d.StatisticValues is not null)
            {
                names.Add($"{path}.StatisticValues");
            }
            throw MetricErrors.InvalidCombination($"The parameters {string.Join(" and ", names)} are mutually exclusive and you have specified both.");
        }
        if (given == 0)
        {
            throw MetricErrors.InvalidCombination($"At least one of the parameters {path}.Value, {path}.StatisticValues or {path}.Values must be specified.");
        }
        if (d.Value is { } value)
        {
            CheckValue(value, $"{path}.Value");
        }
        if (d.Values is { Count: > 0 } values)
        {
            if (values.Count > MaxValuesPerDatum)
            {
                throw MetricErrors.InvalidValue($"The collection {path}.Values must not have a size greater than {MaxValuesPerDatum}.");
            }
            for (var i = 0; i < values.Count; i++)
            {
                CheckValue(values[i], $"{path}.Values.member.{i + 1}");
            }
            if (d.Counts is { Count: > 0 } counts)
            {
                if (counts.Count != values.Count)
                {
                    throw MetricErrors.InvalidValue($"The parameters {path}.Values and {path}.Counts must be of the same size.");
                }
                for (var i = 0; i < counts.Count; i++)
                {
                    if (!double.IsFinite(counts[i]) || counts[i] < 0 || counts[i] > s_maxMagnitude)
                    {
                        throw MetricErrors.BadParameter($"{path}.Counts.member.{i + 1}", Format(counts[i]));
                    }
                }
            }
        }
        else if (d.Counts is { Count: > 0 })
        {
            throw MetricErrors.InvalidCombination($"The parameter {path}.Counts can only be specified together with {path}.Values.");
        }
        if (d.StatisticValues is { } set)
        {
            CheckValue(set.SampleCount ?? 0, $"{path}.StatisticValues.SampleCount");
            CheckValue(set.Sum ?? 0, $"{path}.StatisticValues.Sum");
            CheckValue(set.Minimum ?? 0, $"{path}.StatisticValues.Minimum");
            CheckValue(set.Maximum ?? 0, $"{path}.StatisticValues.Maximum");
            if (set.SampleCount <= 0)
            {
                throw MetricErrors.InvalidValue($"The parameter {path}.StatisticValues.SampleCount must be greater than 0.");
            }
            if (set.Minimum > set.Maximum)
            {
                throw MetricErrors.InvalidValue($"The parameter {path}.StatisticValues.Maximum must be greater than or equal to {path}.StatisticValues.Minimum.");
            }
        }
        if (d.StorageResolution is { } resolution && resolution != 1 && resolution != 60)
        {
            throw MetricErrors.BadParameter($"{path}.StorageResolution", resolution);
        }
        if (d.Timestamp is { } ts)
        {
            if (ts < now.AddDays(-14))
            {
                throw MetricErrors.InvalidValue($"The parameter {path}.Timestamp must specify a time no more than two weeks in the past.");
            }
            if (ts > now.AddHours(2))
            {
                throw MetricErrors.InvalidValue($"The parameter {path}.Timestamp must specify a time no more than two hours in the future.");
            }
        }
        if (d.Dimensions is { Count: > 1 } dims)
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var dim in dims)
            {
                if (!names.Add(dim.Name!))
                {
                    throw MetricErrors.InvalidValue($"The parameter {path}.Dimensions contains the dimension name {dim.Name} more than once.");
                }
            }
        }
    }

    private static void CheckValue(double value, string parameter)
    {
        if (!double.IsFinite(value) || Math.Abs(value) > s_maxMagnitude || (value != 0 && Math.Abs(value) < 1 / s_maxMagnitude))
        {
            throw MetricErrors.BadParameter(parameter, Format(value));
        }
    }

    private static string Format(double v) => double.IsNaN(v) ? "NaN" : v.ToString("R", CultureInfo.InvariantCulture);

    private void Add(MetricWriteBatch batch, CallContext context, string ns, MetricDatum d, DateTimeOffset now)
    {
        var metric = new MetricIdentity(ns, d.MetricName!, d.Dimensions?.Select(x => new MetricDimension(x.Name!, x.Value!)));
        var key = new SeriesKey(context.Identity.AccountId, context.Region, metric, d.Unit ?? "None", d.StorageResolution == 1);
        var series = store.Catalog.GetOrAdd(key, out _);
        var ts = (d.Timestamp ?? now).ToUnixTimeSeconds();
        if (d.Value is { } value)
        {
            batch.Add(series, ts, value);
        }
        else if (d.Values is { Count: > 0 } values)
        {
            for (var i = 0; i < values.Count; i++)
            {
                var count = d.Counts is { Count: > 0 } counts ? counts[i] : 1;
                if (count > 0)
                {
                    batch.Add(series, ts, values[i], count);
                }
            }
        }
        else if (d.StatisticValues is { } set)
        {
            batch.AddSet(series, ts, set.SampleCount!.Value, set.Sum!.Value, set.Minimum!.Value, set.Maximum!.Value);
        }
    }
}
