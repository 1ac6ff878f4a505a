using Vigil.Protocol.Shapes.CloudWatch;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>
/// PutMetricData's checks, each with CloudWatch's error code; a rejected call stores nothing, not even the valid
/// datums that came with it (checked through ListMetrics and GetMetricStatistics).
/// </summary>
public sealed class PutMetricDataTests
{
    private const string Ns = "App";
    private static readonly DateTimeOffset At = T0.AddMinutes(-5);

    private static MetricDatum Good(string name = "Good") => Datum(name, 1, At);

    private static async Task RejectedAsync(string code, string messagePart, params MetricDatum[] bad)
    {
        await using var api = new MetricApiHarness();
        var error = await api.PutFailsAsync(Ns, [Good(), .. bad]);
        error.QueryCode.ShouldBe(code);
        error.Message.ShouldContain(messagePart);
        await NothingStoredAsync(api, Ns);
    }

    private static async Task NothingStoredAsync(MetricApiHarness api, string ns)
    {
        api.List(new ListMetricsInput()).Metrics.ShouldBeEmpty();
        api.StatsOf(ns, "Good", T0.AddHours(-1), T0, 60).ShouldBeEmpty();
        api.StatsOf(ns, "Bad", T0.AddHours(-1), T0, 60).ShouldBeEmpty();
        api.Store.Catalog.Count.ShouldBe(0);
        // The store still takes a good call afterwards.
        await api.PutAsync("After", Good());
        api.Listed(new ListMetricsInput()).ShouldBe(["After Good"]);
    }

    [Fact]
    public async Task Accepted_datums_are_stored_with_their_unit_dimensions_and_timestamp()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, Datum("Bad", 3, At, "Seconds", Dim("Host", "a")), Good());
        api.Listed(new ListMetricsInput()).ShouldBe(["App Bad Host=a", "App Good"]);
        var dp = api.StatsOf(Ns, "Bad", T0.AddHours(-1), T0, 60, dimensions: [Dim("Host", "a")]).ShouldHaveSingleItem();
        (dp.Timestamp, dp.Sum, dp.Unit).ShouldBe((At, 3.0, "Seconds"));
    }

    [Fact]
    public async Task A_datum_without_a_timestamp_is_stamped_now()
    {
        await using var api = new MetricApiHarness();
        api.Clock.Now = T0.AddSeconds(42);
        await api.PutAsync(Ns, new MetricDatum { MetricName = "Good", Value = 5 });
        api.StatsOf(Ns, "Good", T0, T0.AddMinutes(1), 60).ShouldHaveSingleItem().Timestamp.ShouldBe(T0);
        api.StatsOf(Ns, "Good", T0, T0.AddMinutes(1), 60, ["Sum"]).ShouldHaveSingleItem().Sum.ShouldBe(5);
    }

    [Theory]
    [InlineData("AWS/EC2")]
    [InlineData("AWS/")]
    public async Task Aws_namespaces_are_reserved(string ns)
    {
        await using var api = new MetricApiHarness();
        var error = await api.PutFailsAsync(ns, Good());
        error.QueryCode.ShouldBe("InvalidParameterValue");
        error.Message.ShouldContain(ns);
        await NothingStoredAsync(api, ns);
    }

    [Fact]
    public async Task A_namespace_that_only_contains_aws_is_fine()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("MyAWS/Stuff", Good());
        await api.PutAsync("aws/lower", Good());
        api.Listed(new ListMetricsInput()).ShouldBe(["MyAWS/Stuff Good", "aws/lower Good"]);
    }

    [Fact]
    public async Task At_most_1000_datums_per_call()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, [.. Enumerable.Range(0, 1000).Select(i => Datum("M" + i, i, At))]);
        api.List(new ListMetricsInput()).Metrics!.Count.ShouldBe(500); // first page of the 1,000
        api.StatsOf(Ns, "M999", T0.AddHours(-1), T0, 60, ["Sum"]).ShouldHaveSingleItem().Sum.ShouldBe(999);

        await RejectedAsync("InvalidParameterValue", "1000", [.. Enumerable.Range(0, 1000).Select(i => Datum("Bad", i, At))]);
    }

    [Fact]
    public async Task At_most_150_values_per_datum()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(Ns, new MetricDatum { MetricName = "Good", Timestamp = At, Values = [.. Enumerable.Range(1, 150).Select(i => (double)i)] });
        api.StatsOf(Ns, "Good", T0.AddHours(-1), T0, 60).ShouldHaveSingleItem().Sum.ShouldBe(150 * 151 / 2);

        await RejectedAsync("InvalidParameterValue", "MetricData.member.2.Values",
            new MetricDatum { MetricName = "Bad", Timestamp = At, Values = [.. Enumerable.Range(1, 151).Select(i => (double)i)] });
    }

    [Fact]
    public Task Values_and_counts_must_have_the_same_size() =>
        RejectedAsync("InvalidParameterValue", "Counts", new MetricDatum { MetricName = "Bad", Timestamp = At, Values = [1, 2], Counts = [1] });

    [Fact]
    public Task Counts_must_not_be_negative() =>
        RejectedAsync("InvalidParameterValue", "MetricData.member.2.Counts.member.2", new MetricDatum { MetricName = "Bad", Timestamp = At, Values = [1, 2], Counts = [1, -1] });

    [Fact]
    public Task Counts_need_values() =>
        RejectedAsync("InvalidParameterCombination", "Counts", new MetricDatum { MetricName = "Bad", Timestamp = At, Value = 1, Counts = [1] });

    [Fact]
    public Task Value_and_values_are_mutually_exclusive() =>
        RejectedAsync("InvalidParameterCombination", "MetricData.member.2.Value", new MetricDatum { MetricName = "Bad", Timestamp = At, Value = 1, Values = [1] });

    [Fact]
    public Task Value_and_statistic_values_are_mutually_exclusive() =>
        RejectedAsync("InvalidParameterCombination", "StatisticValues", new MetricDatum
        {
            MetricName = "Bad",
            Timestamp = At,
            Value = 1,
            StatisticValues = new StatisticSet { SampleCount = 1, Sum = 1, Minimum = 1, Maximum = 1 },
        });

    [Fact]
    public Task A_datum_needs_a_value() =>
        RejectedAsync("InvalidParameterCombination", "MetricData.member.2", new MetricDatum { MetricName = "Bad", Timestamp = At });

    [Theory]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(double.NegativeInfinity)]
    public async Task Non_finite_values_are_rejected(double value)
    {
        await RejectedAsync("InvalidParameterValue", "MetricData.member.2.Value", Datum("Bad", value, At));
        await RejectedAsync("InvalidParameterValue", "MetricData.member.2.Values.member.2", new MetricDatum { MetricName = "Bad", Timestamp = At, Values = [1, value] });
        await RejectedAsync("InvalidParameterValue", "StatisticValues.Sum", new MetricDatum
        {
            MetricName = "Bad",
            Timestamp = At,
            StatisticValues = new StatisticSet { SampleCount = 1, Sum = value, Minimum = 1, Maximum = 1 },
        });
    }

    [Fact]
    public async Task Values_beyond_two_to_the_360_are_rejected()
    {
        var limit = Math.Pow(2, 360);
        await using (var api = new MetricApiHarness())
        {
            await api.PutAsync(Ns, Datum("Good", limit, At), Datum("Neg", -limit, At));
            api.StatsOf(Ns, "Good", T0.AddHours(-1), T0, 60, ["Maximum"]).ShouldHaveSingleItem().Maximum.ShouldBe(limit);
        }
        await RejectedAsync("InvalidParameterValue", "MetricData.member.2.Value", Datum("Bad", limit * 2, At));
        await RejectedAsync("InvalidParameterValue", "MetricData.member.2.Value", Datum("Bad", -limit * 2, At));
        await RejectedAsync("InvalidParameterValue", "MetricData.member.2.Value", Datum("Bad", Math.Pow(2, -361), At));
    }

    [Fact]
    public async Task Statistic_sets_must_be_consistent()
    {
        await RejectedAsync("InvalidParameterValue", "SampleCount", new MetricDatum
        {
            MetricName = "Bad",
            Timestamp = At,
            StatisticValues = new StatisticSet { SampleCount = 0, Sum = 0, Minimum = 0, Maximum = 0 },
        });
        await RejectedAsync("InvalidParameterValue", "Maximum", new MetricDatum
        {
            MetricName = "Bad",
            Timestamp = At,
            StatisticValues = new StatisticSet { SampleCount = 2, Sum = 3, Minimum = 2, Maximum = 1 },
        });
    }

    [Theory]
    [InlineData(5)]
    [InlineData(0)]
    [InlineData(30)]
    public Task Storage_resolution_is_1_or_60(int resolution) =>
        RejectedAsync("InvalidParameterValue", "StorageResolution", new MetricDatum { MetricName = "Bad", Timestamp = At, Value = 1, StorageResolution = resolution });

    [Fact]
    public async Task Timestamps_from_two_weeks_back_to_two_hours_ahead()
    {
        await using (var api = new MetricApiHarness())
        {
            await api.PutAsync(Ns, Datum("Good", 1, T0.AddDays(-14)), Datum("Good", 2, T0.AddHours(2)));
            api.StatsOf(Ns, "Good", T0.AddDays(-14), T0.AddHours(3), 3600, ["Sum"]).Select(d => (d.Timestamp, d.Sum))
                .ShouldBe([(T0.AddDays(-14), 1.0), (T0.AddHours(2), 2.0)]);
        }
        await RejectedAsync("InvalidParameterValue", "two weeks", Datum("Bad", 1, T0.AddDays(-14).AddSeconds(-1)));
        await RejectedAsync("InvalidParameterValue", "two hours", Datum("Bad", 1, T0.AddHours(2).AddSeconds(1)));
    }

    [Fact]
    public Task Dimension_names_must_be_unique() =>
        RejectedAsync("InvalidParameterValue", "Host", Datum("Bad", 1, At, null, Dim("Host", "a"), Dim("Az", "x"), Dim("Host", "b")));

    [Fact]
    public async Task Entity_metric_data_counts_towards_the_datum_limit_and_is_validated()
    {
        await using var api = new MetricApiHarness();
        var error = await Should.ThrowAsync<Vigil.Protocol.Errors.AwsServiceException>(() => api.PutAsync(new PutMetricDataInput
        {
            Namespace = Ns,
            MetricData = [Good()],
            EntityMetricData = [new EntityMetricData { MetricData = [Datum("Bad", double.NaN, At)] }],
        }));
        error.QueryCode.ShouldBe("InvalidParameterValue");
        error.Message.ShouldContain("EntityMetricData.member.1.MetricData.member.1.Value");
        await NothingStoredAsync(api, Ns);
    }
}
