using Vigil.Protocol.Shapes.CloudWatch;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>What PutMetricData acknowledged reads back the same after the store is closed and reopened.</summary>
public sealed class MetricApiDurabilityTests
{
    private static readonly DateTimeOffset B = T0.AddMinutes(-30);

    private static (double? Count, double? Sum, double? Min, double? Max, double? P50)[] Read(MetricApiHarness api, string name)
    {
        var basic = api.StatsOf("App", name, B, T0, 300, dimensions: [Dim("Host", "a")]);
        var p50 = api.StatsOf("App", name, B, T0, 300, extended: ["p50"], dimensions: [Dim("Host", "a")]);
        p50.Select(d => d.Timestamp).ShouldBe(basic.Select(d => d.Timestamp));
        return [.. basic.Zip(p50, (b, p) => (b.SampleCount, b.Sum, b.Minimum, b.Maximum, p.ExtendedStatistics?["p50"]))];
    }

    [Fact]
    public async Task Statistics_read_back_the_same_after_a_restart()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App",
            Datum("Latency", 3, B, "Milliseconds", Dim("Host", "a")),
            new MetricDatum { MetricName = "Latency", Timestamp = B.AddMinutes(1), Values = [1, 9], Counts = [2, 1], Unit = "Milliseconds", Dimensions = [Dim("Host", "a")] },
            new MetricDatum
            {
                MetricName = "Latency",
                Timestamp = B.AddMinutes(7),
                StatisticValues = new StatisticSet { SampleCount = 2, Sum = 10, Minimum = 4, Maximum = 6 },
                Unit = "Milliseconds",
                Dimensions = [Dim("Host", "a")],
            });
        var before = Read(api, "Latency");
        before.ShouldBe([(4.0, 14.0, 1.0, 9.0, 1.0), (2.0, 10.0, 4.0, 6.0, null)]);

        await api.ReopenAsync();

        Read(api, "Latency").ShouldBe(before);
        api.StatsOf("App", "Latency", B, T0, 300, ["Sum"], dimensions: [Dim("Host", "a")]).ShouldAllBe(d => d.Unit == "Milliseconds");
        api.Listed(new ListMetricsInput()).ShouldBe(["App Latency Host=a"]);
    }

    [Fact]
    public async Task Data_before_and_after_a_checkpoint_survives_a_restart()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", Datum("Hits", 1, B, null, Dim("Host", "a")), Datum("Hits", 2, B.AddMinutes(1), null, Dim("Host", "a")));
        await api.Store.CheckpointAsync();
        await api.PutAsync("App",
            Datum("Hits", 4, B.AddMinutes(2), null, Dim("Host", "a")),
            new MetricDatum { MetricName = "Fast", Value = 8, Timestamp = B.AddSeconds(15), StorageResolution = 1, Dimensions = [Dim("Host", "a")] });

        await api.ReopenAsync();

        Read(api, "Hits").ShouldBe([(3.0, 7.0, 1.0, 4.0, 2.0)]);
        // The series created after the checkpoint comes back from the log, still high-resolution.
        api.StatsOf("App", "Fast", B, B.AddMinutes(1), 10, ["Sum"], dimensions: [Dim("Host", "a")])
            .Select(d => (d.Timestamp, d.Sum)).ShouldBe([(B.AddSeconds(10), 8.0)]);
        api.Listed(new ListMetricsInput()).ShouldBe(["App Fast Host=a", "App Hits Host=a"]);

        // A second round: checkpoint everything, restart again, same answers through GetMetricData too.
        await api.Store.CheckpointAsync();
        await api.ReopenAsync();
        var output = api.Data(new GetMetricDataInput
        {
            MetricDataQueries = [Stat("m1", "App", "Hits", "Sum", 300, Dim("Host", "a"))],
            StartTime = B,
            EndTime = T0,
            ScanBy = "TimestampAscending",
        });
        output.MetricDataResults!.Single().Values.ShouldBe([7.0]);
    }

    [Fact]
    public async Task A_rejected_call_leaves_nothing_to_recover()
    {
        await using var api = new MetricApiHarness();
        await Should.ThrowAsync<Vigil.Protocol.Errors.AwsServiceException>(() =>
            api.PutAsync("App", Datum("Hits", 1, B), Datum("Hits", double.NaN, B)));
        await api.ReopenAsync();
        api.List(new ListMetricsInput()).Metrics.ShouldBeEmpty();
        api.StatsOf("App", "Hits", B, T0, 60).ShouldBeEmpty();
    }

    // Known engine bug (src/Vigil.Metrics/Engine, outside this branch's scope): a series' LastIngested is logged only
    // with its definition (first write) and in checkpoint snapshots; replaying later sample records does not advance
    // it, so after a restart ListMetrics, RecentlyActive and SEARCH judge a metric by an older ingestion time.

    [Fact]
    public async Task The_listing_horizon_survives_a_restart()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", Datum("Hits", 1, T0));
        api.Clock.Advance(TimeSpan.FromDays(10));
        await api.PutAsync("App", Datum("Hits", 1, api.Clock.Now));
        await api.ReopenAsync();
        api.Clock.Advance(TimeSpan.FromDays(5)); // last data 5 days ago
        api.Listed(new ListMetricsInput()).ShouldBe(["App Hits"]);
    }

    [Fact]
    public async Task Recently_active_survives_a_checkpoint_and_restart()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", Datum("Hits", 1, T0));
        await api.Store.CheckpointAsync();
        api.Clock.Advance(TimeSpan.FromHours(5));
        await api.PutAsync("App", Datum("Hits", 1, api.Clock.Now));
        await api.ReopenAsync();
        api.Listed(new ListMetricsInput { RecentlyActive = "PT3H" }).ShouldBe(["App Hits"]);
    }
}
