using Vigil.Protocol.Shapes.CloudWatch;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>ListMetrics over what PutMetricData stored: filters, the two-week horizon, RecentlyActive, paging, isolation.</summary>
public sealed class ListMetricsTests
{
    private static readonly DateTimeOffset At = T0.AddMinutes(-1);

    private static async Task<MetricApiHarness> CatalogueAsync()
    {
        var api = new MetricApiHarness();
        await api.PutAsync("App",
            Datum("CPU", 1, At, null, Dim("Host", "a")),
            Datum("CPU", 1, At, null, Dim("Host", "b")),
            Datum("CPU", 1, At, null, Dim("Host", "a"), Dim("Disk", "d1")),
            Datum("Mem", 1, At, null, Dim("Host", "a")),
            Datum("Mem", 1, At, "Bytes", Dim("Host", "a"))); // second unit of the same metric: still one metric
        await api.PutAsync("Other", Datum("CPU", 1, At));
        return api;
    }

    [Fact]
    public async Task Everything_is_listed_once_in_a_stable_order()
    {
        await using var api = await CatalogueAsync();
        api.Listed(new ListMetricsInput()).ShouldBe([
            "App CPU Disk=d1,Host=a",
            "App CPU Host=a",
            "App CPU Host=b",
            "App Mem Host=a",
            "Other CPU",
        ]);
        api.List(new ListMetricsInput()).NextToken.ShouldBeNull();
    }

    [Fact]
    public async Task Namespace_and_metric_name_filters()
    {
        await using var api = await CatalogueAsync();
        api.Listed(new ListMetricsInput { Namespace = "Other" }).ShouldBe(["Other CPU"]);
        api.Listed(new ListMetricsInput { Namespace = "App", MetricName = "Mem" }).ShouldBe(["App Mem Host=a"]);
        api.Listed(new ListMetricsInput { MetricName = "CPU" }).Count.ShouldBe(4);
        api.Listed(new ListMetricsInput { Namespace = "app" }).ShouldBeEmpty(); // case-sensitive
        api.Listed(new ListMetricsInput { MetricName = "cpu" }).ShouldBeEmpty();
    }

    [Fact]
    public async Task Dimension_filters_with_and_without_values()
    {
        await using var api = await CatalogueAsync();
        api.Listed(new ListMetricsInput { Dimensions = [new DimensionFilter { Name = "Host" }] }).Count.ShouldBe(4);
        api.Listed(new ListMetricsInput { Dimensions = [new DimensionFilter { Name = "Host", Value = "a" }] })
            .ShouldBe(["App CPU Disk=d1,Host=a", "App CPU Host=a", "App Mem Host=a"]);
        api.Listed(new ListMetricsInput { MetricName = "CPU", Dimensions = [new DimensionFilter { Name = "Host", Value = "a" }, new DimensionFilter { Name = "Disk" }] })
            .ShouldBe(["App CPU Disk=d1,Host=a"]);
        api.Listed(new ListMetricsInput { Dimensions = [new DimensionFilter { Name = "Disk", Value = "d2" }] }).ShouldBeEmpty();
        api.Listed(new ListMetricsInput { Dimensions = [new DimensionFilter { Name = "Zone" }] }).ShouldBeEmpty();
    }

    [Fact]
    public async Task Recently_active_keeps_metrics_written_in_the_last_three_hours()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", Datum("Early", 1, T0));
        api.Clock.Advance(TimeSpan.FromHours(2));
        await api.PutAsync("App", Datum("Later", 1, T0.AddHours(2)));
        api.Listed(new ListMetricsInput { RecentlyActive = "PT3H" }).ShouldBe(["App Early", "App Later"]);

        api.Clock.Advance(TimeSpan.FromHours(1).Add(TimeSpan.FromSeconds(1))); // Early was written 3 h 1 s ago
        api.Listed(new ListMetricsInput { RecentlyActive = "PT3H" }).ShouldBe(["App Later"]);
        api.Listed(new ListMetricsInput()).ShouldBe(["App Early", "App Later"]);
    }

    [Fact]
    public async Task Recently_active_counts_when_data_arrived_not_its_timestamp()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", Datum("Backfilled", 1, T0.AddDays(-10)));
        api.Listed(new ListMetricsInput { RecentlyActive = "PT3H" }).ShouldBe(["App Backfilled"]);
    }

    [Fact]
    public async Task Metrics_without_new_data_for_two_weeks_disappear_and_come_back_with_new_data()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", Datum("Quiet", 1, T0), Datum("Busy", 1, T0));
        api.Clock.Advance(TimeSpan.FromDays(10));
        await api.PutAsync("App", Datum("Busy", 1, api.Clock.Now));

        api.Clock.Advance(TimeSpan.FromDays(4));
        api.Listed(new ListMetricsInput()).ShouldBe(["App Busy", "App Quiet"]); // Quiet: exactly 14 days

        api.Clock.Advance(TimeSpan.FromSeconds(1));
        api.Listed(new ListMetricsInput()).ShouldBe(["App Busy"]);

        await api.PutAsync("App", Datum("Quiet", 2, api.Clock.Now));
        api.Listed(new ListMetricsInput()).ShouldBe(["App Busy", "App Quiet"]);
    }

    [Fact]
    public async Task Pages_of_500_with_next_tokens()
    {
        await using var api = new MetricApiHarness();
        var names = Enumerable.Range(0, 1200).Select(i => $"M{i:D4}").ToList();
        await api.PutAsync("Big", [.. names.Take(600).Select(n => Datum(n, 1, At))]);
        await api.PutAsync("Big", [.. names.Skip(600).Select(n => Datum(n, 1, At))]);
        await api.PutAsync("Small", Datum("Alone", 1, At));

        var seen = new List<string>();
        var pages = new List<int>();
        string? token = null;
        do
        {
            var page = api.List(new ListMetricsInput { Namespace = "Big", NextToken = token });
            pages.Add(page.Metrics!.Count);
            seen.AddRange(page.Metrics.Select(m => m.MetricName!));
            token = page.NextToken;
        }
        while (token is not null && pages.Count < 10);

        pages.ShouldBe([500, 500, 200]);
        seen.ShouldBe(names); // every metric once, in order
    }

    [Fact]
    public async Task A_bad_next_token_is_rejected()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("Big", [.. Enumerable.Range(0, 501).Select(i => Datum($"M{i:D3}", 1, At))]);
        var token = api.List(new ListMetricsInput { Namespace = "Big" }).NextToken.ShouldNotBeNull();

        api.List(new ListMetricsInput { Namespace = "Big", NextToken = token }).Metrics!.Select(m => m.MetricName).ShouldBe(["M500"]);

        var error = Should.Throw<Vigil.Protocol.Errors.AwsServiceException>(() => api.List(new ListMetricsInput { Namespace = "Big", NextToken = "not-a-token" }));
        error.QueryCode.ShouldBe("InvalidParameterValue");
        error.Message.ShouldContain("NextToken");
        // A token is only good for the request it came from.
        Should.Throw<Vigil.Protocol.Errors.AwsServiceException>(() => api.List(new ListMetricsInput { Namespace = "Small", NextToken = token }))
            .QueryCode.ShouldBe("InvalidParameterValue");
        Should.Throw<Vigil.Protocol.Errors.AwsServiceException>(() => api.List(new ListMetricsInput { Namespace = "Big", NextToken = token }, OtherAccount))
            .QueryCode.ShouldBe("InvalidParameterValue");
    }

    [Fact]
    public async Task Accounts_and_regions_are_isolated()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync(new PutMetricDataInput { Namespace = "App", MetricData = [Datum("Mine", 1, At)] });
        await api.PutAsync(new PutMetricDataInput { Namespace = "App", MetricData = [Datum("Theirs", 2, At)] }, OtherAccount);
        await api.PutAsync(new PutMetricDataInput { Namespace = "App", MetricData = [Datum("Mine", 3, At)] }, Account, "eu-west-1");

        api.Listed(new ListMetricsInput()).ShouldBe(["App Mine"]);
        api.Listed(new ListMetricsInput(), OtherAccount).ShouldBe(["App Theirs"]);
        api.Listed(new ListMetricsInput(), OtherAccount, "eu-west-1").ShouldBeEmpty();
        api.Listed(new ListMetricsInput { OwningAccount = OtherAccount }).ShouldBeEmpty();

        var linked = api.List(new ListMetricsInput { IncludeLinkedAccounts = true });
        linked.OwningAccounts.ShouldBe([Account]);

        // Statistics are isolated the same way: same name, different account or region, different data.
        api.StatsOf("App", "Mine", T0.AddHours(-1), T0, 60, ["Sum"]).ShouldHaveSingleItem().Sum.ShouldBe(1);
        api.Stats(new GetMetricStatisticsInput
        {
            Namespace = "App",
            MetricName = "Mine",
            StartTime = T0.AddHours(-1),
            EndTime = T0,
            Period = 60,
            Statistics = ["Sum"],
        }, OtherAccount).Datapoints.ShouldBeEmpty();
        api.Stats(new GetMetricStatisticsInput
        {
            Namespace = "App",
            MetricName = "Mine",
            StartTime = T0.AddHours(-1),
            EndTime = T0,
            Period = 60,
            Statistics = ["Sum"],
        }, Account, "eu-west-1").Datapoints!.ShouldHaveSingleItem().Sum.ShouldBe(3);
    }
}
