using Vigil.Metrics.Model;
using Vigil.Metrics.Query;
using static Vigil.Metrics.Tests.Query.Catalogue;

namespace Vigil.Metrics.Tests.Query;

public sealed class InsightsQueryTests
{
    private static IReadOnlyList<TimeSeries> Run(string sql) => InsightsQuery.Parse(sql).Execute(Source(), Window);

    [Theory]
    // Instances i-0001..3: p0 {10,20,40}, p1 {30,50,70,0}, p2 {5,15,25}. AVG is over observations, not of averages.
    [InlineData("AVG", new[] { 70.0 / 3, 37.5, 15.0 })]
    [InlineData("SUM", new[] { 70.0, 150.0, 45.0 })]
    [InlineData("COUNT", new[] { 3.0, 4.0, 3.0 })]
    [InlineData("MAX", new[] { 40.0, 70.0, 25.0 })]
    [InlineData("MIN", new[] { 10.0, 0.0, 5.0 })]
    public void Each_function_aggregates_the_observations_of_every_series_per_period(string function, double[] expected)
    {
        var result = Run($"SELECT {function}(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId)");
        var series = result.ShouldHaveSingleItem();
        series.Label.ShouldBe("CPUUtilization");
        series.Timestamps.ShouldBe([At(0), At(1), At(2)]);
        series.Values.Length.ShouldBe(3);
        for (var i = 0; i < 3; i++)
        {
            series.Values[i].ShouldBe(expected[i], 1e-9);
        }
    }

    [Fact]
    public void A_plain_namespace_takes_the_metric_with_any_dimensions()
    {
        // Adds t2.micro 8, m5.large 12, no-dimension 100 (p0) and web-asg 1 (p2).
        var series = Run("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\"").ShouldHaveSingleItem();
        series.Values[0].ShouldBe(190.0 / 6, 1e-9);
        series.Values[1].ShouldBe(37.5);
        series.Values[2].ShouldBe(11.5);
    }

    [Fact]
    public void Schema_with_only_the_namespace_takes_metrics_without_dimensions()
    {
        Run("SELECT SUM(CPUUtilization) FROM SCHEMA(\"AWS/EC2\")").ShouldHaveSingleItem().Values.ShouldBe([100.0]);
    }

    [Fact]
    public void Where_equal_and_not_equal_filter_by_dimension_value()
    {
        Run("SELECT SUM(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) WHERE InstanceId = 'i-0002'")
            .ShouldHaveSingleItem().Values.ShouldBe([40.0, 120.0, 5.0]);
        Run("SELECT SUM(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) WHERE InstanceId != 'i-0002'")
            .ShouldHaveSingleItem().Values.ShouldBe([30.0, 30.0, 40.0]);
        Run("SELECT SUM(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceId != 'i-0002' AND InstanceId != 'i-0003'")
            .ShouldHaveSingleItem().Values.ShouldBe([30.0, 30.0]); // metrics without InstanceId do not pass !=
    }

    [Fact]
    public void Group_by_gives_one_series_per_value_in_ascending_order_with_other_for_missing_dimensions()
    {
        var result = Run("SELECT SUM(CPUUtilization) FROM \"AWS/EC2\" GROUP BY InstanceType");
        result.Select(s => s.Label).ShouldBe(["Other", "m5.large", "t2.micro"]);
        result[0].Values.ShouldBe([170.0, 150.0, 46.0]);
        result[1].Values.ShouldBe([12.0]);
        result[2].Values.ShouldBe([8.0]);
        result.ShouldAllBe(s => s.Metric == null);
    }

    [Fact]
    public void Grouping_by_two_dimensions_labels_with_both_values()
    {
        var result = Run("SELECT MAX(Latency) FROM \"MyApp/Orders\" GROUP BY Service, Operation");
        result.Select(s => s.Label).ShouldBe(["Other Pay", "checkout Pay", "checkout Refund", "gateway Pay", "search Query"]);
        result[1].Values.ShouldBe([250.0, 251.0, 252.0]);
        result[0].Values.ShouldBe([280.0, 281.0, 282.0]);
    }

    [Fact]
    public void Order_by_applies_the_function_to_each_result_series_then_limit_keeps_the_top()
    {
        // AVG per instance: i-0001 [15,30], i-0002 [40,60,5], i-0003 [0,20].
        var byMax = Run("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) GROUP BY InstanceId ORDER BY MAX() DESC");
        byMax.Select(s => s.Label).ShouldBe(["i-0002", "i-0001", "i-0003"]);

        var top2 = Run("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) GROUP BY InstanceId ORDER BY MAX() DESC LIMIT 2");
        top2.Select(s => s.Label).ShouldBe(["i-0002", "i-0001"]);
        top2[0].Values.ShouldBe([40.0, 60.0, 5.0]);

        Run("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) GROUP BY InstanceId ORDER BY SUM()")
            .Select(s => s.Label).ShouldBe(["i-0003", "i-0001", "i-0002"]); // 20, 45, 105 ascending by default
        Run("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) GROUP BY InstanceId ORDER BY MIN() ASC")
            .Select(s => s.Label).ShouldBe(["i-0003", "i-0002", "i-0001"]); // 0, 5, 15
        Run("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) GROUP BY InstanceId ORDER BY AVG() DESC")
            .Select(s => s.Label).ShouldBe(["i-0002", "i-0001", "i-0003"]); // 35, 22.5, 10
        Run("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId) GROUP BY InstanceId ORDER BY COUNT() DESC")
            .Select(s => s.Label).ShouldBe(["i-0002", "i-0001", "i-0003"]); // 3 points, then the tie of 2 by name
    }

    [Fact]
    public void Keywords_ignore_case_but_names_do_not()
    {
        var result = Run("select avg(CPUUtilization) from schema(\"AWS/EC2\", InstanceId) where InstanceId = 'i-0001' group by InstanceId order by max() desc limit 5");
        result.ShouldHaveSingleItem().Label.ShouldBe("i-0001");

        var none = Run("SELECT AVG(cpuutilization) FROM \"AWS/EC2\"").ShouldHaveSingleItem();
        none.Count.ShouldBe(0);
        Run("SELECT AVG(cpuutilization) FROM \"AWS/EC2\" GROUP BY InstanceId").ShouldBeEmpty();
    }

    [Fact]
    public void The_caller_label_names_an_ungrouped_result()
    {
        var q = InsightsQuery.Parse("SELECT COUNT(Errors) FROM \"AWS/Lambda\"");
        var series = q.Execute(Source(), Window, "q1").ShouldHaveSingleItem();
        series.Label.ShouldBe("q1");
        series.Values.ShouldBe([4.0]); // M13, M14, M15, M20: one sample each
    }

    [Fact]
    public void Quoted_names_may_hold_reserved_words_and_escaped_quotes()
    {
        var weird = new MetricIdentity("Odd NS", "Bytes\"Input\"", [new("LIMIT", "x'y")]);
        var count = new MetricIdentity("Odd NS", "Count");
        var source = new InMemoryMetricSource().Add(weird, (At(0), 3), (At(0), 4)).Add(count, (At(1), 9));

        InsightsQuery.Parse("SELECT SUM(\"Bytes\\\"Input\\\"\") FROM \"Odd NS\" WHERE \"LIMIT\" = 'x\\'y' GROUP BY \"LIMIT\"")
            .Execute(source, Window).ShouldHaveSingleItem().ShouldSatisfyAllConditions(
                s => s.Label.ShouldBe("x'y"),
                s => s.Values.ShouldBe([7.0]));
        InsightsQuery.Parse("SELECT MAX(\"Count\") FROM \"Odd NS\"").Execute(source, Window).Single().Values.ShouldBe([9.0]);
        Should.Throw<MetricQueryException>(() => InsightsQuery.Parse("SELECT MAX(Count) FROM \"Odd NS\""))
            .Message.ShouldContain("reserved");
    }

    [Fact]
    public void Bare_names_are_letters_digits_and_underscores_in_any_order()
    {
        var m = new MetricIdentity("Edge_2", "5xx_Errors", [new("_zone", "a")]);
        var source = new InMemoryMetricSource().Add(m, (At(0), 2), (At(0), 3));
        InsightsQuery.Parse("SELECT SUM(5xx_Errors) FROM Edge_2 WHERE _zone = 'a' GROUP BY _zone").Execute(source, Window)
            .Single().Values.ShouldBe([5.0]);
    }

    [Fact]
    public void The_parsed_statement_is_exposed()
    {
        var q = InsightsQuery.Parse("SELECT min(Latency) FROM SCHEMA(\"MyApp/Orders\", Service, Operation) WHERE Service != 'search' GROUP BY Operation ORDER BY sum() DESC LIMIT 3");
        q.Function.ShouldBe(InsightsFunction.Min);
        q.MetricName.ShouldBe("Latency");
        q.Namespace.ShouldBe("MyApp/Orders");
        q.SchemaDimensions.ShouldBe(["Operation", "Service"]);
        q.Where.ShouldBe([new InsightsCondition("Service", "search", true)]);
        q.GroupBy.ShouldBe(["Operation"]);
        q.OrderBy.ShouldBe(InsightsFunction.Sum);
        q.Descending.ShouldBeTrue();
        q.Limit.ShouldBe(3);

        // Pay: M25 (250..252) and M27 (270..272); Refund: M26 (260..262). MIN per period, ordered by the sum.
        var result = q.Execute(Source(), Window);
        result.Select(s => s.Label).ShouldBe(["Refund", "Pay"]); // 783 > 753
        result[1].Values.ShouldBe([250.0, 251.0, 252.0]);
    }

    [Fact]
    public void High_resolution_periods_are_raised_to_one_minute()
    {
        var m = new MetricIdentity("Fast", "Ticks");
        var source = new InMemoryMetricSource().Add(m, (T0, 1), (T0 + 20, 1), (T0 + 70, 1));
        var series = InsightsQuery.Parse("SELECT COUNT(Ticks) FROM Fast").Execute(source, new QueryWindow(T0, T0 + 120, 10)).Single();
        series.Timestamps.ShouldBe([T0, T0 + 60]);
        series.Values.ShouldBe([2.0, 1.0]);
    }

    [Fact]
    public void Only_the_last_two_weeks_of_the_window_are_read()
    {
        var m = new MetricIdentity("Old", "Things");
        const long day = 86_400;
        var end = T0 + (20 * day);
        var source = new InMemoryMetricSource().Add(m, (end - (16 * day), 5), (end - (13 * day), 7));
        var series = InsightsQuery.Parse("SELECT SUM(Things) FROM Old").Execute(source, new QueryWindow(T0, end, 3600)).Single();
        series.Values.ShouldBe([7.0]);
        series.Timestamps.Single().ShouldBe(end - (13 * day)); // still on the caller's hourly grid
    }

    [Fact]
    public void At_most_ten_thousand_metrics_are_aggregated_and_500_series_returned()
    {
        var source = new InMemoryMetricSource();
        for (var i = 0; i < 10_050; i++)
        {
            source.Add(new MetricIdentity("Big", "Hits", [new("Host", $"h{i:D5}")]), (At(0), 1));
        }
        InsightsQuery.Parse("SELECT COUNT(Hits) FROM Big").Execute(source, Window).Single().Values.ShouldBe([10_000.0]);

        var grouped = InsightsQuery.Parse("SELECT SUM(Hits) FROM Big GROUP BY Host").Execute(source, Window);
        grouped.Count.ShouldBe(InsightsQuery.MaxSeries);
        grouped[0].Label.ShouldBe("h00000");
        grouped[499].Label.ShouldBe("h00499");
    }

    [Theory]
    [InlineData("")]
    [InlineData("SELECT")]
    [InlineData("SELECT AVG(CPUUtilization)")]
    [InlineData("SELECT AVG(CPUUtilization) FROM")]
    [InlineData("SELECT MEDIAN(CPUUtilization) FROM \"AWS/EC2\"")]
    [InlineData("SELECT AVG CPUUtilization FROM \"AWS/EC2\"")]
    [InlineData("SELECT AVG(CPUUtilization) FROM AWS/EC2")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceId = \"i-1\"")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceId = 'i-1")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceId = 'a' OR InstanceId = 'b'")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceId IN ('a', 'b')")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceId LIKE 'i-%'")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" WHERE InstanceId > 'a'")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" GROUP InstanceId")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" ORDER BY MAX(CPUUtilization)")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" ORDER BY MAX() DESC ASC")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" LIMIT 0")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" LIMIT 501")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" LIMIT 99999999999999")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" LIMIT ten")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" LIMIT 5 GROUP BY InstanceId")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\";")]
    [InlineData("SELECT AVG(CPUUtilization) FROM SCHEMA()")]
    [InlineData("SELECT AVG(CPUUtilization) FROM SCHEMA(\"AWS/EC2\", InstanceId")]
    [InlineData("SELECT AVG(\"\") FROM \"AWS/EC2\"")]
    [InlineData("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\" GROUP BY Limit")]
    public void Malformed_statements_are_rejected(string sql)
    {
        var ex = Should.Throw<MetricQueryException>(() => InsightsQuery.Parse(sql));
        ex.Message.ShouldStartWith("Metrics Insights query syntax error");
    }

    [Fact]
    public void A_window_without_a_positive_period_is_an_error()
    {
        var q = InsightsQuery.Parse("SELECT AVG(CPUUtilization) FROM \"AWS/EC2\"");
        Should.Throw<MetricQueryException>(() => q.Execute(Source(), Window with { Period = 0 }));
        Should.Throw<MetricQueryException>(() => q.Execute(Source(), new QueryWindow(T0, T0, 60)));
    }
}
