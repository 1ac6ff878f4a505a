using Vigil.Protocol.Shapes.CloudWatch;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>
/// GetMetricData over stored data: MetricStat statistics, metric math against hand-computed series, SEARCH, Metrics
/// Insights, labels, ScanBy, MaxDatapoints paging and the request checks.
/// </summary>
public sealed class GetMetricDataTests
{
    private static readonly DateTimeOffset B = T0.AddMinutes(-10); // 11:50, the window is [B, B + 5 min)

    private static GetMetricDataInput Request(params MetricDataQuery[] queries) => new()
    {
        MetricDataQueries = [.. queries],
        StartTime = B,
        EndTime = B.AddMinutes(5),
        ScanBy = "TimestampAscending",
    };

    /// <summary>A result as (minute offset from B, value) pairs.</summary>
    private static (double Minute, double Value)[] Points(MetricDataResult r) =>
        [.. r.Timestamps!.Zip(r.Values!, (t, v) => ((t - B).TotalMinutes, Math.Round(v, 9)))];

    private static MetricDataResult Single(GetMetricDataOutput output, string id) =>
        output.MetricDataResults!.Where(r => r.Id == id).ShouldHaveSingleItem();

    /// <summary>m1 (App A): 10 at +0, 40 at +1, 220 at +3. m2 (App B): 1, 2, 3, 4 at +1 … +4.</summary>
    private static async Task<MetricApiHarness> TwoSeriesAsync()
    {
        var api = new MetricApiHarness();
        await api.PutAsync("App",
            Datum("A", 10, B), Datum("A", 40, B.AddMinutes(1)), Datum("A", 200, B.AddMinutes(3)), Datum("A", 20, B.AddMinutes(3).AddSeconds(30)),
            Datum("B", 1, B.AddMinutes(1)), Datum("B", 2, B.AddMinutes(2)), Datum("B", 3, B.AddMinutes(3)), Datum("B", 4, B.AddMinutes(4)));
        return api;
    }

    [Fact]
    public async Task Metric_stat_supports_every_statistic_kind()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", new MetricDatum { MetricName = "Size", Timestamp = B, Values = [512, 1, 256, 2, 128, 4, 64, 8, 32, 16] });

        (string Stat, double Expected)[] cases =
        [
            ("SampleCount", 10), ("Sum", 1023), ("Average", 102.3), ("Minimum", 1), ("Maximum", 512),
            ("p50", 16), ("p90", 256), ("p99.9", 512), ("tm90", 511.0 / 9), ("TM(10%:90%)", 63.75), ("wm80", 51.1),
            ("tc90", 9), ("ts90", 511), ("PR(3:100)", 50), ("IQM", 42), ("TM(3:64)", 24.8), ("TC(:8)", 4), ("TS(100:)", 896),
        ];
        var queries = cases.Select((c, i) => Stat($"q{i}", "App", "Size", c.Stat)).ToArray();
        var output = api.Data(Request(queries));

        output.MetricDataResults!.Count.ShouldBe(cases.Length);
        for (var i = 0; i < cases.Length; i++)
        {
            var r = Single(output, $"q{i}");
            r.StatusCode.ShouldBe("Complete");
            r.Label.ShouldBe("Size");
            r.Timestamps.ShouldBe([B]);
            r.Values!.ShouldHaveSingleItem().ShouldBe(cases[i].Expected, 1e-9, cases[i].Stat);
        }
        output.NextToken.ShouldBeNull();
    }

    [Fact]
    public async Task Metric_stat_mixes_units_unless_one_is_asked_for()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", Datum("T", 1, B, "Count"), Datum("T", 100, B, "Bytes"));
        var all = Stat("all", "App", "T", "Sum");
        var bytes = Stat("bytes", "App", "T", "Sum");
        bytes.MetricStat!.Unit = "Bytes";
        var output = api.Data(Request(all, bytes));
        Points(Single(output, "all")).ShouldBe([(0, 101)]);
        Points(Single(output, "bytes")).ShouldBe([(0, 100)]);
    }

    [Fact]
    public async Task Arithmetic_between_series_takes_the_union_of_timestamps()
    {
        await using var api = await TwoSeriesAsync();
        var output = api.Data(Request(Stat("m1", "App", "A", "Sum"), Stat("m2", "App", "B", "Sum"), Expr("e1", "m1 + m2"), Expr("e2", "m1 / m2")));

        Points(Single(output, "m1")).ShouldBe([(0, 10), (1, 40), (3, 220)]);
        Points(Single(output, "e1")).ShouldBe([(0, 10), (1, 41), (2, 2), (3, 223), (4, 4)]);
        // A missing side counts as 0: 10/0 is dropped, 0/2 is 0.
        Points(Single(output, "e2")).ShouldBe([(1, 40), (2, 0), (3, Math.Round(220.0 / 3, 9)), (4, 0)]);
        Single(output, "e1").Label.ShouldBe("e1");
    }

    [Fact]
    public async Task Rate_fill_if_and_metrics_functions()
    {
        await using var api = await TwoSeriesAsync();
        var output = api.Data(Request(
            Stat("m1", "App", "A", "Sum"),
            Stat("m2", "App", "B", "Sum"),
            Expr("rate", "RATE(m1)"),
            Expr("zero", "FILL(m1, 0)"),
            Expr("linear", "FILL(m1, LINEAR)"),
            Expr("repeat", "FILL(m1, REPEAT)"),
            Expr("cond", "IF(m1 > 30, m1, 0)"),
            Expr("total", "SUM(METRICS())"),
            Expr("avg", "AVG(METRICS())"),
            Expr("scaled", "m1 * 2 + SUM(m2)")));

        Points(Single(output, "rate")).ShouldBe([(1, 0.5), (3, 1.5)]); // 30/60 s, then 180/120 s across the gap
        Points(Single(output, "zero")).ShouldBe([(0, 10), (1, 40), (2, 0), (3, 220), (4, 0)]);
        Points(Single(output, "linear")).ShouldBe([(0, 10), (1, 40), (2, 130), (3, 220)]); // trailing gap stays empty
        Points(Single(output, "repeat")).ShouldBe([(0, 10), (1, 40), (2, 40), (3, 220), (4, 220)]);
        Points(Single(output, "cond")).ShouldBe([(0, 0), (1, 40), (3, 220)]);
        Points(Single(output, "total")).ShouldBe([(0, 10), (1, 41), (2, 2), (3, 223), (4, 4)]);
        Points(Single(output, "avg")).ShouldBe([(0, 5), (1, 20.5), (2, 1), (3, 111.5), (4, 2)]);
        Points(Single(output, "scaled")).ShouldBe([(0, 30), (1, 90), (3, 450)]); // SUM(m2) = 10
    }

    [Fact]
    public async Task Return_data_false_hides_a_query_its_dependants_still_use()
    {
        await using var api = await TwoSeriesAsync();
        var m1 = Stat("m1", "App", "A", "Maximum");
        m1.ReturnData = false;
        var output = api.Data(Request(m1, Expr("e1", "m1 - 5", "Adjusted")));

        var r = output.MetricDataResults.ShouldHaveSingleItem();
        (r.Id, r.Label).ShouldBe(("e1", "Adjusted"));
        Points(r).ShouldBe([(0, 5), (1, 35), (3, 195)]); // Maximum at +3 is 200
    }

    [Fact]
    public async Task Expressions_use_their_own_period()
    {
        await using var api = await TwoSeriesAsync();
        var output = api.Data(Request(Stat("m1", "App", "A", "Sum", 300), Expr("e1", "m1 * 10")));
        Points(Single(output, "m1")).ShouldBe([(0, 270)]);
        Points(Single(output, "e1")).ShouldBe([(0, 2700)]);
    }

    [Fact]
    public async Task Search_finds_the_metrics_of_a_schema_with_labels_by_dimension_value()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("Web",
            Datum("CPU", 10, B, null, Dim("Host", "a")), Datum("CPU", 30, B.AddSeconds(20), null, Dim("Host", "a")),
            Datum("CPU", 50, B, null, Dim("Host", "b")), Datum("CPU", 70, B.AddMinutes(2), null, Dim("Host", "b")),
            Datum("CPU", 1, B, null, Dim("Host", "c"), Dim("Az", "1a")),
            Datum("Mem", 7, B, null, Dim("Host", "a")));
        await api.PutAsync("Db", Datum("CPU", 99, B, null, Dim("Host", "a")));

        var output = api.Data(Request(Expr("e1", "SEARCH('{Web,Host} MetricName=\"CPU\"', 'Average', 60)")));

        output.MetricDataResults!.Select(r => (r.Id, r.Label)).ShouldBe([("e1", "a"), ("e1", "b")]);
        Points(output.MetricDataResults![0]).ShouldBe([(0, 20)]);
        Points(output.MetricDataResults[1]).ShouldBe([(0, 50), (2, 70)]);

        // A free-text search across namespaces and dimension sets: every metric named CPU with Host=a.
        var wide = api.Data(Request(Expr("e2", "SEARCH('CPU Host=a', 'Sum', 300)")));
        wide.MetricDataResults!.Select(r => r.Values!.Single()).Order().ShouldBe([40.0, 99.0]);
    }

    [Fact]
    public async Task Metrics_insights_groups_orders_and_limits()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("Fleet",
            Datum("CPU", 10, B, null, Dim("Host", "a")),
            Datum("CPU", 30, B, null, Dim("Host", "b")), Datum("CPU", 50, B.AddMinutes(1), null, Dim("Host", "b")),
            Datum("CPU", 20, B, null, Dim("Host", "c")), Datum("CPU", 40, B.AddSeconds(30), null, Dim("Host", "c")),
            Datum("CPU", 1000, B, null, Dim("Host", "a"), Dim("Az", "1a"))); // not in SCHEMA(Fleet, Host)

        var sql = Expr("q", "SELECT AVG(CPU) FROM SCHEMA(Fleet, Host) GROUP BY Host ORDER BY AVG() DESC LIMIT 2", period: 60);
        var output = api.Data(Request(sql));

        output.MetricDataResults!.Select(r => r.Label).ShouldBe(["b", "c"]); // b averages 40, c 30, a 10
        Points(output.MetricDataResults![0]).ShouldBe([(0, 30), (1, 50)]);
        Points(output.MetricDataResults[1]).ShouldBe([(0, 30)]);

        var total = api.Data(Request(Expr("q", "SELECT SUM(CPU) FROM Fleet WHERE Host != 'a'", period: 300)));
        Points(total.MetricDataResults.ShouldHaveSingleItem()).ShouldBe([(0, 140)]);
    }

    [Fact]
    public async Task Labels_expand_properties_and_summary_values()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App",
            Datum("CPU", 1, B, null, Dim("Host", "web-1")), Datum("CPU", 2, B.AddMinutes(1), null, Dim("Host", "web-1")),
            Datum("CPU", 4, B.AddMinutes(2), null, Dim("Host", "web-1")));
        var peak = Stat("m1", "App", "CPU", "Average", 60, Dim("Host", "web-1"));
        peak.Label = "${PROP('Dim.Host')} peak ${MAX}";
        var props = Stat("m2", "App", "CPU", "Average", 60, Dim("Host", "web-1"));
        props.Label = "${PROP('Namespace')}/${PROP('MetricName')} ${PROP('Stat')} ${PROP('Period')}s avg ${AVG} last ${LAST} n=${DATAPOINT_COUNT}";
        var plain = Stat("m3", "App", "CPU", "Sum", 60, Dim("Host", "web-1"));
        plain.Label = "Busy";

        var output = api.Data(Request(peak, props, plain, Stat("m4", "App", "CPU", "Sum", 60, Dim("Host", "web-1"))));

        Single(output, "m1").Label.ShouldBe("web-1 peak 4");
        Single(output, "m2").Label.ShouldBe("App/CPU Average 60s avg 2.3333 last 4 n=3");
        Single(output, "m3").Label.ShouldBe("Busy");
        Single(output, "m4").Label.ShouldBe("CPU");
    }

    [Fact]
    public async Task Timestamps_are_newest_first_unless_scan_by_ascending()
    {
        await using var api = await TwoSeriesAsync();
        var ascending = Request(Stat("m2", "App", "B", "Sum"));
        Points(api.Data(ascending).MetricDataResults!.Single()).ShouldBe([(1, 1), (2, 2), (3, 3), (4, 4)]);

        var byDefault = Request(Stat("m2", "App", "B", "Sum"));
        byDefault.ScanBy = null;
        Points(api.Data(byDefault).MetricDataResults!.Single()).ShouldBe([(4, 4), (3, 3), (2, 2), (1, 1)]);
        byDefault.ScanBy = "TimestampDescending";
        Points(api.Data(byDefault).MetricDataResults!.Single()).ShouldBe([(4, 4), (3, 3), (2, 2), (1, 1)]);
    }

    [Fact]
    public async Task Max_datapoints_pages_with_partial_data_then_complete()
    {
        await using var api = await TwoSeriesAsync();
        await api.PutAsync("App", Datum("A", 5, B.AddMinutes(2)), Datum("A", 6, B.AddMinutes(4)));
        var request = Request(Stat("m1", "App", "A", "Sum"), Stat("m2", "App", "B", "Sum"));
        request.ScanBy = null; // newest first
        request.MaxDatapoints = 4;

        var first = api.Data(request);
        first.MetricDataResults!.Select(r => (r.Id, r.StatusCode, r.Values!.Count)).ShouldBe([("m1", "PartialData", 4), ("m2", "PartialData", 0)]);
        Points(first.MetricDataResults![0]).ShouldBe([(4, 6), (3, 220), (2, 5), (1, 40)]);
        first.NextToken.ShouldNotBeNull();

        request.NextToken = first.NextToken;
        var second = api.Data(request);
        second.MetricDataResults!.Select(r => (r.Id, r.StatusCode)).ShouldBe([("m1", "Complete"), ("m2", "PartialData")]);
        Points(second.MetricDataResults![0]).ShouldBe([(0, 10)]);
        Points(second.MetricDataResults[1]).ShouldBe([(4, 4), (3, 3), (2, 2)]);
        second.NextToken.ShouldNotBeNull();

        request.NextToken = second.NextToken;
        var third = api.Data(request);
        third.MetricDataResults!.Select(r => (r.Id, r.StatusCode, r.Values!.Count)).ShouldBe([("m1", "Complete", 0), ("m2", "Complete", 1)]);
        Points(third.MetricDataResults![1]).ShouldBe([(1, 1)]);
        third.NextToken.ShouldBeNull();

        // The token belongs to this request: another request, or garbage, is refused.
        request.NextToken = "garbage";
        api.DataFails(request).QueryCode.ShouldBe("InvalidNextToken");
        var other = Request(Stat("m1", "App", "B", "Sum"));
        other.NextToken = first.NextToken;
        api.DataFails(other).QueryCode.ShouldBe("InvalidNextToken");
    }

    [Fact]
    public async Task Later_pages_continue_the_first_pages_answer_and_tokens_do_not_cross_dimensions()
    {
        await using var api = await TwoSeriesAsync();
        var request = Request(Stat("m1", "App", "A", "Sum"));
        request.MaxDatapoints = 2;
        var first = api.Data(request);
        first.NextToken.ShouldNotBeNull();
        var rest = Points(first.MetricDataResults!.Single()).Length;

        // New data between pages does not shift the pages already promised (results are kept for a minute).
        await api.PutAsync("App", Datum("A", 1000, B.AddMinutes(3).AddSeconds(45)));
        request.NextToken = first.NextToken;
        var second = api.Data(request);
        second.MetricDataResults!.Single().Values!.ShouldBe([220.0]);
        second.NextToken.ShouldBeNull();

        // Same metric name and statistic, other dimensions: another request, so the token is refused.
        var withDims = Request(Stat("m1", "App", "A", "Sum", 60, Dim("Host", "x")));
        withDims.MaxDatapoints = 2;
        withDims.NextToken = first.NextToken;
        api.DataFails(withDims).QueryCode.ShouldBe("InvalidNextToken");
        rest.ShouldBe(2);
    }

    [Fact]
    public async Task Metric_stat_queries_older_than_three_hours_need_minute_periods()
    {
        await using var api = await TwoSeriesAsync();
        api.Clock.Advance(TimeSpan.FromHours(4));
        var output = api.Data(Request(Stat("fine", "App", "B", "Sum", 10), Stat("coarse", "App", "B", "Sum", 60)));
        Single(output, "fine").Values.ShouldBeEmpty();
        Points(Single(output, "coarse")).ShouldBe([(1, 1), (2, 2), (3, 3), (4, 4)]);
    }

    [Fact]
    public async Task Search_obeys_the_same_retention_tiers_as_metric_stat()
    {
        await using var api = new MetricApiHarness();
        await api.PutAsync("App", new MetricDatum { MetricName = "Fast", Value = 4, Timestamp = B.AddSeconds(15), StorageResolution = 1 });
        GetMetricDataOutput Run(int period) => api.Data(Request(Expr("s", $"SEARCH('{{App}} Fast', 'Sum', {period})")));

        Points(Run(10).MetricDataResults.ShouldHaveSingleItem()).ShouldBe([(1.0 / 6, 4)]); // 11:50:10
        api.Clock.Advance(TimeSpan.FromHours(4));
        // Still found (it had data in the last two weeks), but 10 s datapoints are no longer kept for 11:50.
        var fine = Run(10).MetricDataResults.ShouldHaveSingleItem();
        (fine.Label, fine.Values!.Count).ShouldBe(("Fast", 0));
        Points(Run(60).MetricDataResults.ShouldHaveSingleItem()).ShouldBe([(0, 4)]);
    }

    [Fact]
    public async Task Accounts_do_not_see_each_others_data()
    {
        await using var api = await TwoSeriesAsync();
        var output = api.Data(Request(Stat("m1", "App", "A", "Sum"), Expr("s", "SEARCH('{App} MetricName=\"A\"', 'Sum', 60)")), OtherAccount);
        Single(output, "m1").Values.ShouldBeEmpty();
        output.MetricDataResults!.Where(r => r.Id == "s").ShouldBeEmpty();
    }

    [Theory]
    [InlineData("M1")]
    [InlineData("1m")]
    [InlineData("m-1")]
    [InlineData("")]
    public async Task Ids_must_start_with_a_lowercase_letter(string id)
    {
        await using var api = new MetricApiHarness();
        var error = api.DataFails(Request(Stat(id, "App", "A", "Sum")));
        error.QueryCode.ShouldBe("ValidationError");
        error.Message.ShouldContain("Id");
    }

    [Fact]
    public async Task Request_errors()
    {
        await using var api = await TwoSeriesAsync();
        void Fails(string code, string part, GetMetricDataInput input)
        {
            var error = api.DataFails(input);
            error.QueryCode.ShouldBe(code);
            error.Message.ShouldContain(part);
        }

        Fails("ValidationError", "not unique", Request(Stat("m1", "App", "A", "Sum"), Stat("m1", "App", "B", "Sum")));
        Fails("ValidationError", "Circular", Request(Stat("m1", "App", "A", "Sum"), Expr("e1", "e2 + m1"), Expr("e2", "e1 * 2")));
        Fails("ValidationError", "Circular", Request(Stat("m1", "App", "A", "Sum"), Expr("e1", "e1 + m1")));
        Fails("ValidationError", "e1", Request(Stat("m1", "App", "A", "Sum"), Expr("e1", "m1 +")));
        Fails("ValidationError", "e1", Request(Stat("m1", "App", "A", "Sum"), Expr("e1", "(m1 * 2")));
        Fails("ValidationError", "m9", Request(Stat("m1", "App", "A", "Sum"), Expr("e1", "m9 * 2")));
        Fails("ValidationError", "e1", Request(Stat("m1", "App", "A", "Sum"), Expr("e1", "NOPE(m1)")));
        Fails("ValidationError", "time series", Request(Stat("m1", "App", "A", "Sum"), Expr("e1", "SUM(m1)")));
        Fails("ValidationError", "e1", Request(Expr("e1", "SELECT AVG(CPU) FROM")));
        Fails("ValidationError", "only one", Request(Expr("e1", "SELECT AVG(A) FROM App"), Expr("e2", "SELECT SUM(A) FROM App")));
        Fails("ValidationError", "Exactly one", Request(new MetricDataQuery { Id = "x" }));
        var both = Stat("m1", "App", "A", "Sum");
        both.Expression = "m1";
        Fails("ValidationError", "Exactly one", Request(both));

        Fails("ValidationError", "The value p101 for parameter MetricDataQueries.member.1.MetricStat.Stat is not a valid statistic.",
            Request(Stat("m1", "App", "A", "p101")));
        Fails("ValidationError", "MetricDataQueries.member.2.MetricStat.Stat", Request(Stat("m1", "App", "A", "Sum"), Stat("m2", "App", "A", "Avg")));
        Fails("InvalidParameterValue", "Period", Request(Stat("m1", "App", "A", "Sum", 45)));
        Fails("InvalidParameterValue", "Period", Request(Stat("m1", "App", "A", "Sum"), Expr("e1", "m1", period: 7)));
        Fails("MissingParameter", "MetricDataQueries", Request());

        var backwards = Request(Stat("m1", "App", "A", "Sum"));
        backwards.EndTime = backwards.StartTime;
        Fails("InvalidParameterValue", "StartTime", backwards);
    }
}
