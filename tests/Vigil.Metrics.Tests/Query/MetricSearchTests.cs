using Vigil.Metrics.Model;
using Vigil.Metrics.Query;
using static Vigil.Metrics.Tests.Query.Catalogue;

namespace Vigil.Metrics.Tests.Query;

public sealed class MetricSearchTests
{
    [Fact]
    public void Cpu_of_each_instance_comes_back_labelled_by_instance_with_its_averages()
    {
        var result = MetricSearch.Run(Source(), "{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\"", "Average", Period, Window);

        result.Select(s => s.Label).ShouldBe(["i-0001", "i-0002", "i-0003"]);
        result.Select(s => s.Metric).ShouldBe([M[1], M[2], M[3]]);
        result[0].Timestamps.ShouldBe([At(0), At(1)]);
        result[0].Values.ShouldBe([15.0, 30.0]); // (10+20)/2, 30
        result[1].Values.ShouldBe([40.0, 60.0, 5.0]); // 40, (50+70)/2, 5
        result[2].Values.ShouldBe([0.0, 20.0]);
    }

    [Fact]
    public void The_statistic_and_the_search_period_are_applied()
    {
        var wide = Window with { Period = 60 };
        var result = MetricSearch.Run(Source(), "{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" i-0002", "Maximum", Period, wide);
        result.Count.ShouldBe(1);
        result[0].Timestamps.ShouldBe([At(0), At(1), At(2)]); // 300 s apart, not 60
        result[0].Values.ShouldBe([40.0, 70.0, 5.0]);

        var sum = MetricSearch.Run(Source(), "{AWS/EC2,InstanceId} MetricName=\"CPUUtilization\" i-0002", "Sum", 900, Window);
        sum[0].Timestamps.ShouldBe([T0]);
        sum[0].Values.ShouldBe([165.0]);
    }

    [Fact]
    public void Several_metric_names_add_the_name_to_each_label()
    {
        var result = MetricSearch.Run(Source(), "{AWS/EC2,InstanceId} network OR ReadOps", "Sum", Period, Window);
        result.Select(s => s.Label).ShouldBe(["i-0001 DiskReadOps", "i-0002 DiskReadOps", "i-0001 NetworkPacketsIn", "i-0002 NetworkPacketsIn"]);
        result.Select(s => s.Values.Single()).ShouldBe([9.0, 10.0, 7.0, 8.0]);
    }

    [Fact]
    public void A_metric_without_dimensions_is_labelled_by_its_name()
    {
        var result = MetricSearch.Run(Source(), "{AWS/EC2}", "Average", Period, Window);
        result.Single().Label.ShouldBe("CPUUtilization");
        result.Single().Values.ShouldBe([100.0]);
    }

    [Fact]
    public void Labels_that_would_collide_across_namespaces_get_the_namespace()
    {
        var a = new MetricIdentity("Team/A", "Requests", [new("Host", "h1")]);
        var b = new MetricIdentity("Team/B", "Requests", [new("Host", "h1")]);
        var c = new MetricIdentity("Team/B", "Requests", [new("Host", "h2")]);
        var source = new InMemoryMetricSource().Add(a, (At(0), 1)).Add(b, (At(0), 2)).Add(c, (At(0), 3));
        MetricSearch.Run(source, "Requests", "Sum", Period, Window).Select(s => s.Label)
            .ShouldBe(["h1 Team/A", "h1 Team/B", "h2"]);
    }

    [Fact]
    public void A_search_returns_at_most_500_series_in_a_stable_order()
    {
        var source = new InMemoryMetricSource();
        for (var i = 599; i >= 0; i--)
        {
            source.Add(new MetricIdentity("Fleet", "Load", [new("Host", $"h{i:D3}")]), (At(0), i));
        }
        var result = MetricSearch.Run(source, "{Fleet,Host} Load", "Average", Period, Window);
        result.Count.ShouldBe(MetricSearch.MaxResults);
        result[0].Label.ShouldBe("h000");
        result[499].Label.ShouldBe("h499");
        result[499].Values.ShouldBe([499.0]);
        source.FetchCalls.ShouldBe(500); // the cap applies before any data is read
    }

    [Fact]
    public void A_matching_metric_without_data_in_the_window_comes_back_empty()
    {
        var m = new MetricIdentity("Quiet", "Idle");
        var source = new InMemoryMetricSource().Add(m, (T0 - 10_000, 1));
        var result = MetricSearch.Run(source, "Idle", "Average", Period, Window);
        result.Single().Label.ShouldBe("Idle");
        result.Single().Count.ShouldBe(0);
        result.Single().Metric.ShouldBe(m);
    }

    [Fact]
    public void Bad_arguments_are_query_errors()
    {
        Should.Throw<MetricQueryException>(() => MetricSearch.Run(Source(), "Errors", "Average", 0, Window));
        Should.Throw<MetricQueryException>(() => MetricSearch.Run(Source(), "Errors", "", Period, Window));
        Should.Throw<MetricQueryException>(() => MetricSearch.Run(Source(), "(Errors", "Average", Period, Window));
    }
}
