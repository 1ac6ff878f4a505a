using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Compat.Tests.TestSupport;

namespace Vigil.Compat.Tests.Metrics;

/// <summary>
/// CloudWatch metrics through the SDKs on every protocol they speak: publish known datapoints, read them back as
/// statistics, percentiles, metric math and listings, and check that bad input is refused with CloudWatch's code and
/// leaves nothing behind. Each row uses its own namespace so rows do not see each other's metrics.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed partial class MetricsSdkTests(CompatServer server, ITestOutputHelper output)
{
    [Theory]
    [ClientData(CompatClient.Boto3Json, "json")]
    [ClientData(CompatClient.Boto3Json, "cbor")]
    [ClientData(CompatClient.Boto3Query, "query")]
    [ClientData(CompatClient.JsSdkV3, "json")]
    [ClientData(CompatClient.JsSdkV3, "cbor")]
    public async Task Published_datapoints_come_back_as_statistics_percentiles_math_and_listings(CompatClient client, string protocol)
    {
        var ns = $"Compat/{client}-{protocol}-{Guid.NewGuid():N}"[..40];
        var t = MetricScenario.Start();
        using (var put = await Call(client, protocol, "PutMetricData", MetricScenario.PutBody(ns, t)))
        {
            put.Ok.ShouldBeTrue(put.ToString());
        }

        using (var stats = await Call(client, protocol, "GetMetricStatistics", new
        {
            Namespace = ns,
            MetricName = "Latency",
            Dimensions = new[] { new { Name = "Host", Value = "a" } },
            StartTime = Iso(t),
            EndTime = Iso(t.AddMinutes(2)),
            Period = 60,
            Statistics = new[] { "SampleCount", "Average", "Sum", "Minimum", "Maximum" },
        }))
        {
            stats.Ok.ShouldBeTrue(stats.ToString());
            stats.Text("result.Label").ShouldBe("Latency");
            var points = Datapoints(stats);
            points.Count.ShouldBe(2, stats.ToString());
            MetricScenario.ShouldBeFirstMinute(points[0], t);
            MetricScenario.ShouldBeSecondMinute(points[1], t);
        }

        using (var pct = await Call(client, protocol, "GetMetricStatistics", new
        {
            Namespace = ns,
            MetricName = "Latency",
            Dimensions = new[] { new { Name = "Host", Value = "a" } },
            StartTime = Iso(t),
            EndTime = Iso(t.AddMinutes(2)),
            Period = 120,
            ExtendedStatistics = new[] { "p50", "p99", "IQM" },
        }))
        {
            pct.Ok.ShouldBeTrue(pct.ToString());
            var point = Datapoints(pct).ShouldHaveSingleItem(pct.ToString());
            // Samples 10, 20, 30, 40, 1, 2, 3, 3: nearest-rank p50 is the 4th smallest, p99 the largest,
            // IQM the mean of ranks 3–6 (3, 3, 10, 20).
            point.GetProperty("ExtendedStatistics").GetProperty("p50").GetDouble().ShouldBe(3);
            point.GetProperty("ExtendedStatistics").GetProperty("p99").GetDouble().ShouldBe(40);
            point.GetProperty("ExtendedStatistics").GetProperty("IQM").GetDouble().ShouldBe(9);
        }

        using (var data = await Call(client, protocol, "GetMetricData", MetricScenario.MathQuery(ns, t)))
        {
            data.Ok.ShouldBeTrue(data.ToString());
            MetricScenario.ShouldBeMathResult(data.Root.GetProperty("result"));
        }

        using (var all = await Call(client, protocol, "ListMetrics", new { Namespace = ns }))
        {
            all.Ok.ShouldBeTrue(all.ToString());
            var metrics = all.Root.GetProperty("result").GetProperty("Metrics").EnumerateArray().ToList();
            metrics.Count.ShouldBe(2, all.ToString());
            metrics.ShouldAllBe(m => m.GetProperty("MetricName").GetString() == "Latency");
        }
        using (var filtered = await Call(client, protocol, "ListMetrics", new { Namespace = ns, Dimensions = new[] { new { Name = "Host", Value = "b" } } }))
        {
            var metric = filtered.Root.GetProperty("result").GetProperty("Metrics").EnumerateArray().ShouldHaveSingleItem(filtered.ToString());
            metric.GetProperty("Dimensions")[0].GetProperty("Value").GetString().ShouldBe("b");
        }
    }

    [Theory]
    [ClientData(CompatClient.Boto3Json, "json")]
    [ClientData(CompatClient.Boto3Json, "cbor")]
    [ClientData(CompatClient.Boto3Query, "query")]
    [ClientData(CompatClient.JsSdkV3, "json")]
    [ClientData(CompatClient.JsSdkV3, "cbor")]
    public async Task Bad_input_is_refused_with_CloudWatchs_code_and_stores_nothing(CompatClient client, string protocol)
    {
        var ns = $"Compat/{client}-{protocol}-{Guid.NewGuid():N}"[..40];
        var t = MetricScenario.Start();
        using (var put = await Call(client, protocol, "PutMetricData", new
        {
            Namespace = ns,
            MetricData = new object[]
            {
                new { MetricName = "Good", Timestamp = Iso(t), Value = 1.0 },
                new { MetricName = "Bad", Timestamp = Iso(t), Values = new[] { 1.0, 2.0 }, Counts = new[] { 1.0 } },
            },
        }))
        {
            ShouldBeError(client, put, "InvalidParameterValue");
        }
        using (var list = await Call(client, protocol, "ListMetrics", new { Namespace = ns }))
        {
            list.Ok.ShouldBeTrue(list.ToString());
            list.Root.GetProperty("result").GetProperty("Metrics").GetArrayLength().ShouldBe(0, "the valid datum of a rejected call must not be stored");
        }
        using var period = await Call(client, protocol, "GetMetricStatistics", new
        {
            Namespace = ns,
            MetricName = "Good",
            StartTime = Iso(t),
            EndTime = Iso(t.AddHours(1)),
            Period = 61,
            Statistics = new[] { "Average" },
        });
        ShouldBeError(client, period, "InvalidParameterValue");
        using var tooMany = await Call(client, protocol, "GetMetricStatistics", new
        {
            Namespace = ns,
            MetricName = "Good",
            StartTime = Iso(t.AddDays(-2)),
            EndTime = Iso(t),
            Period = 60,
            Statistics = new[] { "Average" },
        });
        ShouldBeError(client, tooMany, "InvalidParameterCombination");
    }

    /// <summary>
    /// SEARCH and Metrics Insights over the scenario's catalogue, and CloudWatch's retention rule that sub-minute
    /// periods are not served for data older than three hours (the datapoint is there at a one-minute period).
    /// </summary>
    [Theory]
    [ClientData(CompatClient.Boto3Json, "json")]
    [ClientData(CompatClient.Boto3Query, "query")]
    [ClientData(CompatClient.JsSdkV3, "cbor")]
    public async Task Search_insights_and_retention_rules(CompatClient client, string protocol)
    {
        var ns = $"Compat/{client}-{protocol}-{Guid.NewGuid():N}"[..40];
        var t = MetricScenario.Start();
        var old = t.AddHours(-4);
        using (var put = await Call(client, protocol, "PutMetricData", MetricScenario.PutBody(ns, t)))
        {
            put.Ok.ShouldBeTrue(put.ToString());
        }
        using (var put = await Call(client, protocol, "PutMetricData", new { Namespace = ns, MetricData = new[] { new { MetricName = "Old", Timestamp = Iso(old), Value = 7.0 } } }))
        {
            put.Ok.ShouldBeTrue(put.ToString());
        }

        using (var data = await Call(client, protocol, "GetMetricData", new
        {
            StartTime = Iso(t),
            EndTime = Iso(t.AddMinutes(2)),
            ScanBy = "TimestampAscending",
            MetricDataQueries = new object[]
            {
                new { Id = "s", Expression = $"SEARCH('{{{ns},Host}} MetricName=\"Latency\"', 'Sum', 60)" },
                new { Id = "q", Expression = $"SELECT SUM(Latency) FROM SCHEMA(\"{ns}\", Host) GROUP BY Host ORDER BY SUM() DESC", Period = 60 },
            },
        }))
        {
            data.Ok.ShouldBeTrue(data.ToString());
            var results = data.Root.GetProperty("result").GetProperty("MetricDataResults").EnumerateArray().ToList();
            var search = results.Where(r => r.GetProperty("Id").GetString() == "s").ToDictionary(r => r.GetProperty("Label").GetString()!, Values);
            search.Keys.Order().ToArray().ShouldBe(["a", "b"], data.ToString());
            search["a"].ShouldBe([100.0, 9.0]);
            search["b"].ShouldBe([100.0]);
            // Insights: one series per Host, ordered by the sum over the window (a: 109, b: 100).
            var insights = results.Where(r => r.GetProperty("Id").GetString() == "q").ToList();
            insights.Select(r => r.GetProperty("Label").GetString()!).ToArray().ShouldBe(["a", "b"], data.ToString());
            Values(insights[0]).ShouldBe([100.0, 9.0]);
            Values(insights[1]).ShouldBe([100.0]);
        }

        foreach (var (period, expected) in new[] { (10, 0), (60, 1) })
        {
            using var stats = await Call(client, protocol, "GetMetricStatistics", new
            {
                Namespace = ns,
                MetricName = "Old",
                StartTime = Iso(old.AddMinutes(-1)),
                EndTime = Iso(old.AddMinutes(2)),
                Period = period,
                Statistics = new[] { "Sum" },
            });
            stats.Ok.ShouldBeTrue(stats.ToString());
            var points = Datapoints(stats);
            points.Count.ShouldBe(expected, $"period {period} over data 4 h old\n{stats}");
            if (expected == 1)
            {
                points[0].GetProperty("Sum").GetDouble().ShouldBe(7);
            }
        }
    }

    private static double[] Values(JsonElement result) => [.. result.GetProperty("Values").EnumerateArray().Select(v => v.GetDouble())];

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private static List<JsonElement> Datapoints(ScriptOutcome r) =>
        [.. r.Root.GetProperty("result").GetProperty("Datapoints").EnumerateArray().OrderBy(p => MetricScenario.Time(p.GetProperty("Timestamp")))];

    private static void ShouldBeError(CompatClient client, ScriptOutcome r, string code)
    {
        r.Ok.ShouldBeFalse(r.ToString());
        if (client == CompatClient.JsSdkV3)
        {
            r.Text("Code").ShouldBe(code, r.ToString());
            r.Text("httpStatusCode").ShouldBe("400", r.ToString());
        }
        else
        {
            r.Text("code").ShouldBe(code, r.ToString());
            r.Text("http_status").ShouldBe("400", r.ToString());
        }
        r.Text(client == CompatClient.JsSdkV3 ? "message" : "message").ShouldNotBeNullOrWhiteSpace(r.ToString());
    }

    private async Task<ScriptOutcome> Call(CompatClient client, string protocol, string operation, object parameters)
    {
        var install = Clients.Get(client);
        var json = JsonSerializer.Serialize(parameters);
        string[] extra = protocol == "cbor" ? ["--cbor", "--params", json] : ["--params", json];
        ProcessResult run;
        if (client == CompatClient.JsSdkV3)
        {
            var dir = install.Directory!;
            run = await server.RunAsync(install.RequireProgram(), [Path.Combine(dir, "compat.mjs"), "cloudwatch", operation, .. extra], CompatServer.Alice, dir);
        }
        else
        {
            var script = Path.Combine(Clients.ScriptsDirectory, "boto3_compat.py");
            run = await server.RunAsync(install.RequireProgram(), [script, "cloudwatch", SnakeCase(operation), .. extra], CompatServer.Alice);
        }
        output.WriteLine($"{client} ({protocol}) {operation}: {install.Version}\n{run}");
        var outcome = ScriptOutcome.From(run);
        var contentType = outcome.Text("wire.content_type") ?? "";
        contentType.ShouldStartWith(protocol switch { "cbor" => "application/cbor", "query" => "application/x-www-form-urlencoded", _ => "application/x-amz-json-1.0" },
            Case.Sensitive, $"this client no longer sends CloudWatch as {protocol}\n{run}");
        return outcome;
    }

    private static string SnakeCase(string operation) => UpperBoundary().Replace(operation, "_$1").ToLowerInvariant();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex UpperBoundary();
}
