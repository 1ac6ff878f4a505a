using Vigil.Protocol.Shapes.CloudWatch;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>
/// Random datapoints through PutMetricData, read back through GetMetricStatistics and GetMetricData, against a naive
/// model of CloudWatch's rules (minute-rounded start, aligned periods, exclusive end, nearest-rank percentiles).
/// </summary>
public sealed class MetricApiPropertyTests
{
    private static readonly DateTimeOffset B = T0.AddHours(-1);

    [Fact]
    public async Task Statistics_match_a_naive_model_for_random_data()
    {
        await using var api = new MetricApiHarness();
        var random = new Random(20250310);
        int[] periods = [60, 120, 300, 600, 3600];
        for (var round = 0; round < 40; round++)
        {
            var name = $"R{round}";
            var points = new List<(long T, double V)>();
            var data = new List<MetricDatum>();
            for (var i = random.Next(1, 80); i > 0; i--)
            {
                var t = B.AddSeconds(random.Next(0, 3600));
                var v = random.Next(0, 2000) / 4.0;
                var count = random.Next(1, 4);
                points.AddRange(Enumerable.Repeat((t.ToUnixTimeSeconds(), v), count));
                data.Add(count == 1 ? Datum(name, v, t) : new MetricDatum { MetricName = name, Timestamp = t, Values = [v], Counts = [count] });
            }
            await api.PutAsync("Prop", [.. data]);

            var period = periods[random.Next(periods.Length)];
            var from = B.AddSeconds(random.Next(0, 900));
            var to = from.AddSeconds(random.Next(period, 3600));
            var start = from.ToUnixTimeSeconds() / 60 * 60;
            var end = to.ToUnixTimeSeconds();
            var expected = points.Where(p => p.T >= start && p.T < end)
                .GroupBy(p => start + ((p.T - start) / period * period))
                .OrderBy(g => g.Key)
                .Select(g =>
                {
                    var sorted = g.Select(p => p.V).Order().ToArray();
                    var n = sorted.Length;
                    return (T: g.Key, Count: (double)n, Sum: sorted.Sum(), Min: sorted[0], Max: sorted[^1],
                        P50: sorted[Math.Max(1, (int)Math.Ceiling(0.5 * n)) - 1], P90: sorted[Math.Max(1, (int)Math.Ceiling(0.9 * n)) - 1]);
                })
                .ToList();

            var basic = api.StatsOf("Prop", name, from, to, period);
            basic.Select(d => (d.Timestamp!.Value.ToUnixTimeSeconds(), d.SampleCount!.Value, d.Sum!.Value, d.Minimum!.Value, d.Maximum!.Value))
                .ShouldBe(expected.Select(e => (e.T, e.Count, e.Sum, e.Min, e.Max)), $"round {round}");
            basic.Select(d => d.Average!.Value).Zip(expected, (a, e) => Math.Abs(a - (e.Sum / e.Count))).ShouldAllBe(diff => diff < 1e-9);

            var ranked = api.StatsOf("Prop", name, from, to, period, extended: ["p50", "p90"]);
            ranked.Select(d => (d.ExtendedStatistics!["p50"], d.ExtendedStatistics["p90"]))
                .ShouldBe(expected.Select(e => (e.P50, e.P90)), $"round {round}");

            // GetMetricData answers the same for the same window, newest first by default.
            var output = api.Data(new GetMetricDataInput
            {
                MetricDataQueries = [Stat("s", "Prop", name, "Sum", period), Stat("p", "Prop", name, "p90", period)],
                StartTime = from,
                EndTime = to,
            });
            var sums = output.MetricDataResults!.Single(r => r.Id == "s");
            sums.Timestamps!.Select(t => t.ToUnixTimeSeconds()).ShouldBe(expected.Select(e => e.T).Reverse(), $"round {round}");
            sums.Values.ShouldBe(expected.Select(e => e.Sum).Reverse());
            output.MetricDataResults!.Single(r => r.Id == "p").Values.ShouldBe(expected.Select(e => e.P90).Reverse());
        }
    }
}
