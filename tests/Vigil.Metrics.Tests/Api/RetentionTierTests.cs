using Vigil.Protocol.Shapes.CloudWatch;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>
/// CloudWatch's retention tiers through the API: raw data kept at full resolution for 15 days, then as 5-minute
/// cells (exact SampleCount/Sum/Min/Max, percentiles within 1 %) until 63 days, then 1-hour cells until 455 days.
/// </summary>
public sealed class RetentionTierTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 10, 0, 0, 0, TimeSpan.Zero);

    /// <summary>One hour of a latency-like series: 1 datapoint a second, values 1..3600 ms shuffled over the hour.</summary>
    private static async Task<double[]> PutHourAsync(MetricApiHarness api)
    {
        var rng = new Random(5);
        var values = Enumerable.Range(1, 3600).Select(v => (double)v).OrderBy(_ => rng.Next()).ToArray();
        for (var batch = 0; batch < 3600; batch += 1000)
        {
            var data = new List<MetricDatum>();
            for (var i = batch; i < Math.Min(3600, batch + 1000); i++)
            {
                data.Add(Datum("Latency", values[i], Start.AddSeconds(i), "Milliseconds", Dim("Host", "a")));
            }
            await api.PutAsync("App", [.. data]);
        }
        return values;
    }

    private static Datapoint HourStats(MetricApiHarness api, params string[] extended) =>
        api.StatsOf("App", "Latency", Start, Start.AddHours(1), 3600, extended.Length == 0 ? ["SampleCount", "Sum", "Minimum", "Maximum"] : null,
            extended.Length == 0 ? null : extended, dimensions: [Dim("Host", "a")]).ShouldHaveSingleItem();

    [Fact]
    public async Task Data_moves_to_five_minute_then_hourly_cells_and_is_deleted_after_455_days()
    {
        await using var api = new MetricApiHarness(Start.AddHours(2));
        await PutHourAsync(api);
        await api.Store.CheckpointAsync();
        HourStats(api, "p99").ExtendedStatistics!["p99"].ShouldBe(3564); // exact: nearest rank 3564 of 1..3600

        api.Clock.Advance(TimeSpan.FromDays(17));
        await api.Store.CompactAsync();
        api.Store.Blocks.ShouldBeEmpty();
        api.Store.Rollups.ShouldHaveSingleItem().Resolution.ShouldBe(300);
        var basic = HourStats(api);
        (basic.SampleCount, basic.Sum, basic.Minimum, basic.Maximum).ShouldBe((3600.0, 3600 * 3601 / 2.0, 1.0, 3600.0));
        HourStats(api, "p99").ExtendedStatistics!["p99"].ShouldBe(3564, tolerance: 3564 * 0.01);
        // 5-minute cells answer 5-minute periods; 1-minute periods are no longer served for data this old.
        api.StatsOf("App", "Latency", Start, Start.AddHours(1), 300, ["SampleCount"], dimensions: [Dim("Host", "a")])
            .Select(d => d.SampleCount).ShouldBe(Enumerable.Repeat<double?>(300, 12));
        api.StatsOf("App", "Latency", Start, Start.AddHours(1), 60, ["SampleCount"], dimensions: [Dim("Host", "a")]).ShouldBeEmpty();

        await api.ReopenAsync();
        api.Store.Rollups.ShouldHaveSingleItem().Resolution.ShouldBe(300);
        HourStats(api).Sum.ShouldBe(3600 * 3601 / 2.0);

        api.Clock.Advance(TimeSpan.FromDays(50));
        await api.Store.CompactAsync();
        api.Store.Rollups.ShouldHaveSingleItem().Resolution.ShouldBe(3600);
        basic = HourStats(api);
        (basic.SampleCount, basic.Sum, basic.Minimum, basic.Maximum).ShouldBe((3600.0, 3600 * 3601 / 2.0, 1.0, 3600.0));
        HourStats(api, "p50").ExtendedStatistics!["p50"].ShouldBe(1800, tolerance: 18);
        api.StatsOf("App", "Latency", Start, Start.AddHours(1), 300, ["SampleCount"], dimensions: [Dim("Host", "a")]).ShouldBeEmpty();

        api.Clock.Advance(TimeSpan.FromDays(400));
        await api.Store.CompactAsync();
        api.Store.Rollups.ShouldBeEmpty();
        api.StatsOf("App", "Latency", Start, Start.AddHours(1), 3600, ["SampleCount"], dimensions: [Dim("Host", "a")]).ShouldBeEmpty();
        Directory.EnumerateFiles(Path.Combine(api.Store.DataDirectory, "blocks"), "*.blk").ShouldBeEmpty();
    }
}
