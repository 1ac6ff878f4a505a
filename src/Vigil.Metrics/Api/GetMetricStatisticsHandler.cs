using System.Globalization;
using Vigil.Metrics.Model;
using Vigil.Metrics.Reading;
using Vigil.Metrics.Statistics;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes.CloudWatch;

namespace Vigil.Metrics.Api;

/// <summary>
/// GetMetricStatistics: basic statistics or extended ones (not both), at most 1,440 datapoints, exact dimension
/// match, a datapoint per period with data and per unit (datapoints of different units are never mixed).
/// </summary>
internal sealed class GetMetricStatisticsHandler(MetricReader reader)
{
    public const int MaxDatapoints = 1440;

    public ValueTask<GetMetricStatisticsOutput> HandleAsync(CallContext context, GetMetricStatisticsInput input, CancellationToken ct)
    {
        var basic = input.Statistics ?? [];
        var extended = input.ExtendedStatistics ?? [];
        if (basic.Count == 0 && extended.Count == 0)
        {
            throw MetricErrors.Missing("Must specify either Statistics or ExtendedStatistics.");
        }
        if (basic.Count > 0 && extended.Count > 0)
        {
            throw MetricErrors.InvalidCombination("The parameters Statistics and ExtendedStatistics are mutually exclusive and you have specified both.");
        }
        var specs = new List<StatisticSpec>();
        foreach (var name in basic)
        {
            specs.Add(StatisticSpec.Parse(name));
        }
        for (var i = 0; i < extended.Count; i++)
        {
            if (!StatisticSpec.TryParse(extended[i], out var spec, out _) || !spec.IsExtended)
            {
                throw MetricErrors.BadParameter($"ExtendedStatistics.member.{i + 1}", extended[i]);
            }
            specs.Add(spec);
        }
        var period = input.Period!.Value;
        TimeRules.CheckPeriod(period, "Period");
        if (input.StartTime >= input.EndTime)
        {
            throw MetricErrors.InvalidValue("The parameter StartTime must be less than the parameter EndTime.");
        }
        var now = reader.Store.Clock.GetUtcNow();
        var window = TimeRules.Window(input.StartTime!.Value, input.EndTime!.Value, period, now);
        var requested = (window.End - window.Start + period - 1) / period;
        if (requested > MaxDatapoints)
        {
            throw MetricErrors.InvalidCombination(string.Create(CultureInfo.InvariantCulture,
                $"You have requested up to {requested:N0} datapoints, which exceeds the limit of {MaxDatapoints:N0}. You may reduce the datapoints requested by increasing Period, or decreasing the time range."));
        }

        var output = new GetMetricStatisticsOutput { Label = input.MetricName, Datapoints = [] };
        if (!TimeRules.PeriodServable(window, now))
        {
            return ValueTask.FromResult(output);
        }
        var metric = new MetricIdentity(input.Namespace!, input.MetricName!, input.Dimensions?.Select(d => new MetricDimension(d.Name!, d.Value!)));
        foreach (var result in reader.Aggregate(context.Identity.AccountId, context.Region, metric, input.Unit, window, specs, splitByUnit: true))
        {
            for (var p = 0; p < result.Count; p++)
            {
                var dp = new Datapoint { Timestamp = DateTimeOffset.FromUnixTimeSeconds(result.Timestamps[p]), Unit = result.Unit };
                for (var k = 0; k < specs.Count; k++)
                {
                    var v = result.Column(k)[p];
                    if (double.IsNaN(v))
                    {
                        continue;
                    }
                    switch (specs[k].Kind)
                    {
                        case StatisticKind.SampleCount: dp.SampleCount = v; break;
                        case StatisticKind.Average: dp.Average = v; break;
                        case StatisticKind.Sum: dp.Sum = v; break;
                        case StatisticKind.Minimum: dp.Minimum = v; break;
                        case StatisticKind.Maximum: dp.Maximum = v; break;
                        default: (dp.ExtendedStatistics ??= [])[specs[k].Name] = v; break;
                    }
                }
                output.Datapoints.Add(dp);
            }
        }
        return ValueTask.FromResult(output);
    }
}
