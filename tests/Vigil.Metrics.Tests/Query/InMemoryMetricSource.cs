using Vigil.Metrics.Model;

namespace Vigil.Metrics.Tests.Query;

/// <summary>Raw samples per metric, aggregated on demand into the periods of the requested window.</summary>
public sealed class InMemoryMetricSource : IMetricSource
{
    private readonly List<MetricIdentity> _order = [];
    private readonly Dictionary<MetricIdentity, List<(long Timestamp, double Value)>> _samples = [];

    public int FetchCalls { get; private set; }

    public InMemoryMetricSource Add(MetricIdentity metric, params (long Timestamp, double Value)[] samples)
    {
        if (!_samples.TryGetValue(metric, out var list))
        {
            _samples[metric] = list = [];
            _order.Add(metric);
        }
        list.AddRange(samples);
        return this;
    }

    public IReadOnlyList<MetricIdentity> ListMetrics(string? @namespace) =>
        [.. _order.Where(m => @namespace is null || m.Namespace == @namespace)];

    public TimeSeries? Fetch(MetricIdentity metric, string statistic, QueryWindow window)
    {
        FetchCalls++;
        var cells = FetchCells(metric, window);
        if (cells is null)
        {
            return null;
        }
        var values = new double[cells.Count];
        for (var i = 0; i < cells.Count; i++)
        {
            values[i] = statistic switch
            {
                "Average" => cells.Sum[i] / cells.SampleCount[i],
                "Sum" => cells.Sum[i],
                "Minimum" => cells.Minimum[i],
                "Maximum" => cells.Maximum[i],
                "SampleCount" => cells.SampleCount[i],
                _ => throw new MetricQueryException($"Unsupported statistic {statistic}"),
            };
        }
        return new TimeSeries(metric.MetricName, cells.Timestamps, values, metric);
    }

    public PeriodCells? FetchCells(MetricIdentity metric, QueryWindow window)
    {
        if (!_samples.TryGetValue(metric, out var list))
        {
            return null;
        }
        var byPeriod = new SortedDictionary<long, (double Count, double Sum, double Min, double Max)>();
        foreach (var (t, v) in list)
        {
            if (t < window.Start || t >= window.End)
            {
                continue;
            }
            var p = window.PeriodStart(t);
            byPeriod[p] = byPeriod.TryGetValue(p, out var c)
                ? (c.Count + 1, c.Sum + v, Math.Min(c.Min, v), Math.Max(c.Max, v))
                : (1, v, v, v);
        }
        if (byPeriod.Count == 0)
        {
            return null;
        }
        return new PeriodCells([.. byPeriod.Keys], [.. byPeriod.Values.Select(c => c.Count)], [.. byPeriod.Values.Select(c => c.Sum)],
            [.. byPeriod.Values.Select(c => c.Min)], [.. byPeriod.Values.Select(c => c.Max)]);
    }
}

/// <summary>
/// The known catalogue: 30 metrics in AWS/EC2, AWS/Lambda and MyApp/Orders. Numbered M1…M30 as in the comments; data in
/// three 300 s periods from <see cref="T0"/>.
/// </summary>
public static class Catalogue
{
    public const long T0 = 1_699_999_800; // a multiple of 300
    public const int Period = 300;
    public static readonly QueryWindow Window = new(T0, T0 + (3 * Period), Period);

    public static readonly MetricIdentity[] M = Build();

    private static MetricIdentity[] Build()
    {
        static MetricIdentity Id(string ns, string name, params (string Name, string Value)[] dims) =>
            new(ns, name, dims.Select(d => new MetricDimension(d.Name, d.Value)));
        const string Ec2 = "AWS/EC2", Lambda = "AWS/Lambda", App = "MyApp/Orders";
        return
        [
            null!, // 1-based
            Id(Ec2, "CPUUtilization", ("InstanceId", "i-0001")),                              // 1
            Id(Ec2, "CPUUtilization", ("InstanceId", "i-0002")),                              // 2
            Id(Ec2, "CPUUtilization", ("InstanceId", "i-0003")),                              // 3
            Id(Ec2, "CPUUtilization", ("InstanceType", "t2.micro")),                          // 4
            Id(Ec2, "CPUUtilization", ("InstanceType", "m5.large")),                          // 5
            Id(Ec2, "CPUUtilization"),                                                        // 6
            Id(Ec2, "NetworkPacketsIn", ("InstanceId", "i-0001")),                            // 7
            Id(Ec2, "NetworkPacketsIn", ("InstanceId", "i-0002")),                            // 8
            Id(Ec2, "DiskReadOps", ("InstanceId", "i-0001")),                                 // 9
            Id(Ec2, "DiskReadOps", ("InstanceId", "i-0002")),                                 // 10
            Id(Ec2, "CPUUtilization", ("AutoScalingGroupName", "web-asg")),                   // 11
            Id(Ec2, "StatusCheckFailed", ("InstanceId", "i-0003")),                           // 12
            Id(Lambda, "Errors", ("FunctionName", "ProjectA-handler")),                       // 13
            Id(Lambda, "Errors", ("FunctionName", "ProjectB-worker")),                        // 14
            Id(Lambda, "Errors", ("FunctionName", "billing")),                                // 15
            Id(Lambda, "Invocations", ("FunctionName", "ProjectA-handler")),                  // 16
            Id(Lambda, "Invocations", ("FunctionName", "ProjectB-worker")),                   // 17
            Id(Lambda, "Invocations", ("FunctionName", "billing")),                           // 18
            Id(Lambda, "Duration", ("FunctionName", "billing")),                              // 19
            Id(Lambda, "Errors"),                                                             // 20
            Id(Lambda, "Invocations", ("FunctionName", "billing"), ("Resource", "billing:live")), // 21
            Id(App, "CustomCount1", ("Service", "checkout")),                                 // 22
            Id(App, "SDBFailure", ("Service", "checkout")),                                   // 23
            Id(App, "Network-Errors-2", ("Service", "gateway")),                              // 24
            Id(App, "Latency", ("Service", "checkout"), ("Operation", "Pay")),                // 25
            Id(App, "Latency", ("Service", "checkout"), ("Operation", "Refund")),             // 26
            Id(App, "Latency", ("Service", "gateway"), ("Operation", "Pay")),                 // 27
            Id(App, "Latency", ("Operation", "Pay")),                                         // 28
            Id(App, "Latency", ("Service", "search"), ("Operation", "Query")),                // 29
            Id(App, "Europe\\France Traffic(Network)", ("Region", "eu")),                     // 30
        ];
    }

    /// <summary>At period p (0..2), offset seconds into it.</summary>
    public static long At(int p, int offset = 0) => T0 + (p * Period) + offset;

    public static InMemoryMetricSource Source()
    {
        var s = new InMemoryMetricSource();
        // Hand-picked data for the CPU metrics the value tests check.
        s.Add(M[1], (At(0), 10), (At(0, 60), 20), (At(1), 30));
        s.Add(M[2], (At(0), 40), (At(1), 50), (At(1, 120), 70), (At(2), 5));
        s.Add(M[3], (At(1), 0), (At(2), 15), (At(2, 60), 25));
        s.Add(M[4], (At(0), 8));
        s.Add(M[5], (At(0), 12));
        s.Add(M[6], (At(0), 100));
        s.Add(M[11], (At(2), 1));
        // Latency (M25..M29): one sample per period, value = 10 * metric number + period.
        for (var k = 25; k <= 29; k++)
        {
            s.Add(M[k], (At(0), (10 * k) + 0), (At(1), (10 * k) + 1), (At(2), (10 * k) + 2));
        }
        // Everything else: one sample in period 0 with value = metric number.
        for (var k = 1; k <= 30; k++)
        {
            if (k is <= 6 or 11 or (>= 25 and <= 29))
            {
                continue;
            }
            s.Add(M[k], (At(0), k));
        }
        return s;
    }

    /// <summary>The catalogue numbers (1-based) of the metrics a SEARCH query matches.</summary>
    public static int[] SearchMatches(string query)
    {
        var q = Vigil.Metrics.Query.SearchQuery.Parse(query);
        return [.. Enumerable.Range(1, 30).Where(k => q.Matches(M[k]))];
    }
}
