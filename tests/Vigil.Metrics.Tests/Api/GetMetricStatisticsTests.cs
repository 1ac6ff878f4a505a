using Vigil.Protocol.Shapes.CloudWatch;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>GetMetricStatistics over data published with PutMetricData: statistics, units, periods and time rules.</summary>
public sealed class GetMetricStatisticsTests
{
    private const string Ns = "App";
    private static readonly DateTimeOffset Hour = T0.AddHours(-1); // 11:00, data goes in the hour before "now"

    [Fact]
    public async Task Basic_statistics_per_period_weight_values_by_their_counts()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns,
            Datum("Latency", 1, Hour.AddMinutes(1)),
            Datum("Latency", 2, Hour.AddMinutes(1).AddSeconds(30)),
            Datum("Latency", 3, Hour.AddMinutes(3)),
            Datum("Latency", 4, Hour.AddMinutes(4)),
            Datum("Latency", 10, Hour.AddMinutes(4).AddSeconds(59)),
            new MetricDatum { MetricName = "Latency", Timestamp = Hour.AddMinutes(6), Values = [5, 7], Counts = [2, 1] });

        var dps = api.StatsOf(Ns, "Latency", Hour, Hour.AddMinutes(10), 300);

        dps.Count.ShouldBe(2);
        dps[0].Timestamp.ShouldBe(Hour);
        (dps[0].SampleCount, dps[0].Sum, dps[0].Average, dps[0].Minimum, dps[0].Maximum).ShouldBe((5, 20, 4, 1, 10));
        dps[0].Unit.ShouldBe("None");
        dps[1].Timestamp.ShouldBe(Hour.AddMinutes(5));
        (dps[1].SampleCount, dps[1].Sum, dps[1].Minimum, dps[1].Maximum).ShouldBe((3, 17, 5, 7)); // 5, 5, 7
        dps[1].Average!.Value.ShouldBe(17.0 / 3, 1e-12);
        dps[1].ExtendedStatistics.ShouldBeNull();
    }

    [Fact]
    public async Task Only_the_requested_statistics_are_returned()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, Datum("Latency", 8, Hour), Datum("Latency", 2, Hour.AddSeconds(5)));

        var dp = api.StatsOf(Ns, "Latency", Hour, Hour.AddMinutes(1), 60, statistics: ["Maximum", "SampleCount"]).ShouldHaveSingleItem();

        (dp.Maximum, dp.SampleCount).ShouldBe((8, 2));
        dp.Sum.ShouldBeNull();
        dp.Average.ShouldBeNull();
        dp.Minimum.ShouldBeNull();
    }

    [Fact]
    public async Task Extended_statistics_over_a_known_set_use_nearest_rank()
    {
        await using var api = new MetricApiHarness();
        // 1, 2, 4, …, 512: ten samples, uneven gaps so an off-by-one rank shows.
        await api.PutAsync(Ns, new MetricDatum { MetricName = "Size", Timestamp = Hour, Values = [512, 1, 256, 2, 128, 4, 64, 8, 32, 16] });

        string[] stats = ["p50", "p90", "p99.9", "p0", "p100", "tm90", "TM(10%:90%)", "wm80", "tc90", "ts90", "PR(3:100)", "IQM", "TM(3:64)"];
        var dp = api.StatsOf(Ns, "Size", Hour, Hour.AddMinutes(1), 60, extended: stats).ShouldHaveSingleItem();

        var x = dp.ExtendedStatistics!;
        x.Count.ShouldBe(stats.Length);
        x["p50"].ShouldBe(16);      // rank ceil(5)
        x["p90"].ShouldBe(256);     // rank 9
        x["p99.9"].ShouldBe(512);   // rank ceil(9.99) = 10
        x["p0"].ShouldBe(1);
        x["p100"].ShouldBe(512);
        x["tm90"].ShouldBe(511.0 / 9, 1e-9);        // 1 + … + 256 over 9
        x["TM(10%:90%)"].ShouldBe(510.0 / 8, 1e-9); // 2 + … + 256 over 8
        x["wm80"].ShouldBe((255 + 128 + 128) / 10.0, 1e-9); // 256 and 512 clamped to 128
        x["tc90"].ShouldBe(9);
        x["ts90"].ShouldBe(511);
        x["PR(3:100)"].ShouldBe(50);                // 4, 8, 16, 32, 64 of ten
        x["IQM"].ShouldBe(252.0 / 6, 1e-9);          // ranks 3..8: 4 + … + 128
        x["TM(3:64)"].ShouldBe(124.0 / 5, 1e-9);     // 3 < v <= 64: 4, 8, 16, 32, 64
        dp.Sum.ShouldBeNull(); // extended statistics only, as asked
    }

    [Fact]
    public async Task Percentiles_honour_counts()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, new MetricDatum { MetricName = "Size", Timestamp = Hour, Values = [1, 2], Counts = [3, 1] });

        var x = api.StatsOf(Ns, "Size", Hour, Hour.AddMinutes(1), 60, extended: ["p50", "p75", "p76", "tm50"]).ShouldHaveSingleItem().ExtendedStatistics!;

        x["p50"].ShouldBe(1);  // rank 2 of 1, 1, 1, 2
        x["p75"].ShouldBe(1);  // rank 3
        x["p76"].ShouldBe(2);  // rank ceil(3.04) = 4
        x["tm50"].ShouldBe(1);
    }

    [Fact]
    public async Task Statistic_sets_feed_percentiles_only_when_they_are_runs_of_one_value()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns,
            new MetricDatum { MetricName = "Runs", Timestamp = Hour, StatisticValues = new StatisticSet { SampleCount = 3, Sum = 6, Minimum = 2, Maximum = 2 } },
            new MetricDatum { MetricName = "Runs", Timestamp = Hour, Values = [1, 5] },
            new MetricDatum { MetricName = "Mixed", Timestamp = Hour, StatisticValues = new StatisticSet { SampleCount = 4, Sum = 10, Minimum = 1, Maximum = 4 } },
            new MetricDatum { MetricName = "Mixed", Timestamp = Hour.AddSeconds(10), Value = 3 });

        // Runs: 1, 2, 2, 2, 5.
        var runs = api.StatsOf(Ns, "Runs", Hour, Hour.AddMinutes(1), 60, extended: ["p50", "p90"]).ShouldHaveSingleItem();
        runs.ExtendedStatistics!["p50"].ShouldBe(2);
        runs.ExtendedStatistics["p90"].ShouldBe(5);
        var runsBasic = api.StatsOf(Ns, "Runs", Hour, Hour.AddMinutes(1), 60).ShouldHaveSingleItem();
        (runsBasic.SampleCount, runsBasic.Sum, runsBasic.Minimum, runsBasic.Maximum).ShouldBe((5, 12, 1, 5));

        // Mixed: the set (count 4, sum 10, 1..4) cannot be expanded into values, so no percentile for the period.
        var mixed = api.StatsOf(Ns, "Mixed", Hour, Hour.AddMinutes(1), 60, extended: ["p50"]).ShouldHaveSingleItem();
        mixed.ExtendedStatistics.ShouldBeNull();
        var mixedBasic = api.StatsOf(Ns, "Mixed", Hour, Hour.AddMinutes(1), 60).ShouldHaveSingleItem();
        (mixedBasic.SampleCount, mixedBasic.Sum, mixedBasic.Average, mixedBasic.Minimum, mixedBasic.Maximum).ShouldBe((5, 13, 2.6, 1, 4));
    }

    [Fact]
    public async Task Percentiles_are_absent_when_a_value_is_negative_but_basic_statistics_work()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, new MetricDatum { MetricName = "Delta", Timestamp = Hour, Values = [-1, 2, 3] });

        api.StatsOf(Ns, "Delta", Hour, Hour.AddMinutes(1), 60, extended: ["p50", "tm90"]).ShouldHaveSingleItem().ExtendedStatistics.ShouldBeNull();
        var dp = api.StatsOf(Ns, "Delta", Hour, Hour.AddMinutes(1), 60).ShouldHaveSingleItem();
        (dp.Sum, dp.Minimum, dp.Maximum).ShouldBe((4, -1, 3));
    }

    [Fact]
    public async Task Units_are_kept_apart_and_the_unit_filter_selects_one()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns,
            Datum("Traffic", 1, Hour, "Count"),
            Datum("Traffic", 2, Hour.AddSeconds(20), "Count"),
            Datum("Traffic", 100, Hour.AddSeconds(10), "Bytes"));

        var both = api.StatsOf(Ns, "Traffic", Hour, Hour.AddMinutes(1), 60);
        both.Count.ShouldBe(2); // one datapoint per unit, same timestamp
        both.ShouldAllBe(d => d.Timestamp == Hour);
        both.Select(d => (d.Unit, d.Sum, d.SampleCount)).ShouldBe([("Bytes", 100, 1), ("Count", 3, 2)]);

        var bytes = api.StatsOf(Ns, "Traffic", Hour, Hour.AddMinutes(1), 60, unit: "Bytes").ShouldHaveSingleItem();
        (bytes.Unit, bytes.Sum).ShouldBe(("Bytes", 100));
        api.StatsOf(Ns, "Traffic", Hour, Hour.AddMinutes(1), 60, unit: "Seconds").ShouldBeEmpty();
    }

    [Fact]
    public async Task Dimensions_must_match_exactly_in_any_order()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns,
            Datum("CPU", 10, Hour, null, Dim("Host", "a"), Dim("Az", "1a")),
            Datum("CPU", 20, Hour, null, Dim("Host", "a")),
            Datum("CPU", 40, Hour));

        api.StatsOf(Ns, "CPU", Hour, Hour.AddMinutes(1), 60, ["Sum"], dimensions: [Dim("Az", "1a"), Dim("Host", "a")]).ShouldHaveSingleItem().Sum.ShouldBe(10);
        api.StatsOf(Ns, "CPU", Hour, Hour.AddMinutes(1), 60, ["Sum"], dimensions: [Dim("Host", "a")]).ShouldHaveSingleItem().Sum.ShouldBe(20);
        api.StatsOf(Ns, "CPU", Hour, Hour.AddMinutes(1), 60, ["Sum"]).ShouldHaveSingleItem().Sum.ShouldBe(40);
        api.StatsOf(Ns, "CPU", Hour, Hour.AddMinutes(1), 60, ["Sum"], dimensions: [Dim("Host", "b")]).ShouldBeEmpty();
    }

    [Fact]
    public async Task Periods_are_aligned_to_the_start_time_rounded_down_to_the_minute()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns,
            Datum("Hits", 1, Hour.AddMinutes(1).AddSeconds(5)),   // 11:01:05, before the rounded start
            Datum("Hits", 2, Hour.AddMinutes(2)),                 // 11:02:00
            Datum("Hits", 3, Hour.AddMinutes(6).AddSeconds(59)),  // 11:06:59
            Datum("Hits", 4, Hour.AddMinutes(7)),                 // 11:07:00, next period
            Datum("Hits", 5, Hour.AddMinutes(12)));               // 11:12:00 = EndTime, excluded

        // StartTime 11:02:40 rounds to 11:02:00; periods of 5 minutes from there: 11:02, 11:07.
        var dps = api.StatsOf(Ns, "Hits", Hour.AddMinutes(2).AddSeconds(40), Hour.AddMinutes(12), 300, ["Sum"]);

        dps.Select(d => (d.Timestamp, d.Sum)).ShouldBe([(Hour.AddMinutes(2), 5.0), (Hour.AddMinutes(7), 4.0)]);
    }

    [Fact]
    public async Task Periods_with_no_data_are_absent()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, Datum("Hits", 1, Hour), Datum("Hits", 2, Hour.AddMinutes(3)));

        api.StatsOf(Ns, "Hits", Hour, Hour.AddMinutes(5), 60, ["Sum"]).Select(d => d.Timestamp).ShouldBe([Hour, Hour.AddMinutes(3)]);
    }

    [Fact]
    public async Task Start_time_is_rounded_to_five_minutes_for_data_15_to_63_days_old_and_to_the_hour_beyond()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, Datum("Old", 7, T0.AddMinutes(-59))); // 11:01

        // 20 days later, a start of 11:03 rounds down to 11:00 and the 11:01 point falls in the first period.
        api.Clock.Advance(TimeSpan.FromDays(20));
        api.StatsOf(Ns, "Old", T0.AddMinutes(-57), T0, 300, ["Sum"]).Select(d => (d.Timestamp, d.Sum)).ShouldBe([(T0.AddHours(-1), 7.0)]);
        // Period 60 is no longer served at this age: the data is only kept at five-minute resolution.
        api.StatsOf(Ns, "Old", T0.AddHours(-1), T0, 60, ["Sum"]).ShouldBeEmpty();

        // 70 days later, 11:45 rounds down to 11:00.
        api.Clock.Advance(TimeSpan.FromDays(50));
        api.StatsOf(Ns, "Old", T0.AddMinutes(-15), T0.AddHours(1), 3600, ["Sum"]).Select(d => (d.Timestamp, d.Sum)).ShouldBe([(T0.AddHours(-1), 7.0)]);
        api.StatsOf(Ns, "Old", T0.AddHours(-1), T0, 300, ["Sum"]).ShouldBeEmpty();
    }

    [Fact]
    public async Task Data_older_than_fifteen_days_needs_a_period_multiple_of_300()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, Datum("Old", 1, T0.AddMinutes(-10)), Datum("Old", 2, T0.AddMinutes(-2)));
        api.Clock.Advance(TimeSpan.FromDays(16));

        api.StatsOf(Ns, "Old", T0.AddMinutes(-10), T0, 60, ["Sum"]).ShouldBeEmpty();
        api.StatsOf(Ns, "Old", T0.AddMinutes(-10), T0, 600, ["Sum"]).ShouldHaveSingleItem().Sum.ShouldBe(3);
        api.StatsOf(Ns, "Old", T0.AddMinutes(-10), T0, 300, ["Sum"]).Select(d => d.Sum).ShouldBe([1.0, 2.0]);
    }

    [Fact]
    public async Task High_resolution_data_is_bucketed_to_the_second_standard_data_to_its_minute()
    {
        await using var api = new MetricApiHarness();
        var m = Hour.AddMinutes(30);
        await api.PutAsync(Ns,
            new MetricDatum { MetricName = "Fast", Value = 1, Timestamp = m.AddSeconds(1), StorageResolution = 1 },
            new MetricDatum { MetricName = "Fast", Value = 2, Timestamp = m.AddSeconds(11), StorageResolution = 1 },
            new MetricDatum { MetricName = "Fast", Value = 3, Timestamp = m.AddSeconds(12), StorageResolution = 1 },
            new MetricDatum { MetricName = "Slow", Value = 1, Timestamp = m.AddSeconds(1) },
            new MetricDatum { MetricName = "Slow", Value = 2, Timestamp = m.AddSeconds(11), StorageResolution = 60 },
            new MetricDatum { MetricName = "Slow", Value = 3, Timestamp = m.AddSeconds(12) });

        api.StatsOf(Ns, "Fast", m, m.AddMinutes(1), 10, ["Sum"]).Select(d => (d.Timestamp, d.Sum)).ShouldBe([(m, 1.0), (m.AddSeconds(10), 5.0)]);
        api.StatsOf(Ns, "Fast", m, m.AddMinutes(1), 1, ["Sum"]).Select(d => (d.Timestamp, d.Sum))
            .ShouldBe([(m.AddSeconds(1), 1.0), (m.AddSeconds(11), 2.0), (m.AddSeconds(12), 3.0)]);
        // Standard resolution: every point counts at the start of its minute.
        api.StatsOf(Ns, "Slow", m, m.AddMinutes(1), 10, ["Sum"]).Select(d => (d.Timestamp, d.Sum)).ShouldBe([(m, 6.0)]);
        api.StatsOf(Ns, "Slow", m, m.AddMinutes(1), 1, ["SampleCount"]).Select(d => (d.Timestamp, d.SampleCount)).ShouldBe([(m, 3.0)]);
        api.StatsOf(Ns, "Fast", m, m.AddMinutes(1), 60, ["Sum"]).Select(d => (d.Timestamp, d.Sum)).ShouldBe([(m, 6.0)]);
    }

    [Fact]
    public async Task Sub_minute_start_times_round_to_their_division_of_the_minute()
    {
        await using var api = new MetricApiHarness();
        var m = Hour.AddMinutes(30);
        await api.PutAsync(Ns,
            new MetricDatum { MetricName = "Fast", Value = 1, Timestamp = m.AddSeconds(21), StorageResolution = 1 },
            new MetricDatum { MetricName = "Fast", Value = 2, Timestamp = m.AddSeconds(29), StorageResolution = 1 });

        // 12:30:23 with a 10 s period starts at 12:30:20.
        api.StatsOf(Ns, "Fast", m.AddSeconds(23), m.AddMinutes(1), 10, ["Sum"]).Select(d => (d.Timestamp, d.Sum)).ShouldBe([(m.AddSeconds(20), 3.0)]);
    }

    [Fact]
    public async Task High_resolution_periods_are_not_served_for_data_older_than_three_hours()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, new MetricDatum { MetricName = "Fast", Value = 4, Timestamp = T0.AddMinutes(-1).AddSeconds(15), StorageResolution = 1 });

        api.StatsOf(Ns, "Fast", T0.AddMinutes(-2), T0, 10, ["Sum"]).Select(d => (d.Timestamp, d.Sum)).ShouldBe([(T0.AddMinutes(-1).AddSeconds(10), 4.0)]);
        api.Clock.Advance(TimeSpan.FromHours(4));
        api.StatsOf(Ns, "Fast", T0.AddMinutes(-2), T0, 10, ["Sum"]).ShouldBeEmpty();
        api.StatsOf(Ns, "Fast", T0.AddMinutes(-2), T0, 60, ["Sum"]).Select(d => (d.Timestamp, d.Sum)).ShouldBe([(T0.AddMinutes(-1), 4.0)]);
    }

    [Fact]
    public async Task At_most_1440_datapoints_may_be_requested()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, Datum("Hits", 1, T0.AddMinutes(-1)));

        api.StatsOf(Ns, "Hits", T0.AddMinutes(-1440), T0, 60, ["Sum"]).ShouldHaveSingleItem().Sum.ShouldBe(1);
        // 1,440 one-second periods: fine; the standard-resolution point counts at the start of its minute.
        api.StatsOf(Ns, "Hits", T0.AddSeconds(-1440), T0, 1, ["Sum"]).ShouldHaveSingleItem().Timestamp.ShouldBe(T0.AddMinutes(-1));

        var error = api.StatsFails(Query("Hits", T0.AddMinutes(-1441), T0, 60));
        error.QueryCode.ShouldBe("InvalidParameterCombination");
        error.Message.ShouldContain("1,441");
        // The rounded start counts: 11:59:30 a day back rounds to 11:59:00, which makes 1,441 periods.
        api.StatsFails(Query("Hits", T0.AddMinutes(-1440).AddSeconds(-30), T0, 60)).QueryCode.ShouldBe("InvalidParameterCombination");
        api.StatsFails(Query("Hits", T0.AddSeconds(-1441), T0, 1)).QueryCode.ShouldBe("InvalidParameterCombination");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(30)]
    [InlineData(60)]
    [InlineData(120)]
    [InlineData(3600)]
    [InlineData(86400)]
    public async Task Valid_periods_are_accepted(int period)
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, Datum("Hits", 1, T0.AddDays(-1)));
        // One period ending now: a point a day old falls only in the one-day period.
        var dps = api.Stats(Query("Hits", T0.AddSeconds(-period), T0, period)).Datapoints!;
        dps.Count.ShouldBe(period == 86400 ? 1 : 0);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(15)]
    [InlineData(45)]
    [InlineData(61)]
    [InlineData(90)]
    [InlineData(301)]
    public async Task Other_periods_are_invalid_parameter_values(int period)
    {
        await using var api = new MetricApiHarness();
        var error = api.StatsFails(Query("Hits", T0.AddHours(-1), T0, period));
        error.QueryCode.ShouldBe("InvalidParameterValue");
        error.Message.ShouldContain("Period");
    }

    [Fact]
    public async Task Request_shape_errors()
    {
        await using var api = new MetricApiHarness();
        var none = Query("Hits", T0.AddHours(-1), T0, 60);
        none.Statistics = null;
        api.StatsFails(none).QueryCode.ShouldBe("MissingParameter");

        var both = Query("Hits", T0.AddHours(-1), T0, 60);
        both.ExtendedStatistics = ["p99"];
        api.StatsFails(both).QueryCode.ShouldBe("InvalidParameterCombination");

        var badExtended = Query("Hits", T0.AddHours(-1), T0, 60);
        badExtended.Statistics = null;
        badExtended.ExtendedStatistics = ["p50", "Average"];
        var error = api.StatsFails(badExtended);
        error.QueryCode.ShouldBe("InvalidParameterValue");
        error.Message.ShouldContain("ExtendedStatistics.member.2");
        badExtended.ExtendedStatistics = ["p101"];
        api.StatsFails(badExtended).QueryCode.ShouldBe("InvalidParameterValue");

        api.StatsFails(Query("Hits", T0, T0, 60)).QueryCode.ShouldBe("InvalidParameterValue");
        api.StatsFails(Query("Hits", T0, T0.AddHours(-1), 60)).QueryCode.ShouldBe("InvalidParameterValue");
    }

    private static GetMetricStatisticsInput Query(string name, DateTimeOffset from, DateTimeOffset to, int period) => new()
    {
        Namespace = Ns,
        MetricName = name,
        StartTime = from,
        EndTime = to,
        Period = period,
        Statistics = ["Sum"],
    };
}
