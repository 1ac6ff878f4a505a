using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Compat.Tests.TestSupport;

namespace Vigil.Compat.Tests.Metrics;

/// <summary>
/// The AWS CLI publishing and reading metrics as a user types it: v1 (JSON 1.0 to CloudWatch) and v2 (awsQuery).
/// Same datapoints and hand-computed answers as the SDK rows (<see cref="MetricScenario"/>).
/// </summary>
[Collection(CompatCollection.Name)]
public sealed partial class MetricsCliTests(CompatServer server, ITestOutputHelper output)
{
    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Put_then_get_statistics_math_and_list(CompatClient client)
    {
        var ns = $"Cli/{client}-{Guid.NewGuid():N}"[..30];
        var t = MetricScenario.Start();
        var body = JsonSerializer.SerializeToElement(MetricScenario.PutBody(ns, t));
        var put = await Aws(client, "cloudwatch", "put-metric-data", "--namespace", ns, "--metric-data", body.GetProperty("MetricData").GetRawText());
        put.ExitCode.ShouldBe(0, put.ToString());

        var stats = await Aws(client, "cloudwatch", "get-metric-statistics", "--namespace", ns, "--metric-name", "Latency",
            "--dimensions", "Name=Host,Value=a", "--start-time", Iso(t), "--end-time", Iso(t.AddMinutes(2)), "--period", "60",
            "--statistics", "SampleCount", "Average", "Sum", "Minimum", "Maximum");
        stats.ExitCode.ShouldBe(0, stats.ToString());
        using (var doc = JsonDocument.Parse(stats.Stdout))
        {
            var points = doc.RootElement.GetProperty("Datapoints").EnumerateArray().OrderBy(p => MetricScenario.Time(p.GetProperty("Timestamp"))).ToList();
            points.Count.ShouldBe(2, stats.ToString());
            MetricScenario.ShouldBeFirstMinute(points[0], t);
            MetricScenario.ShouldBeSecondMinute(points[1], t);
        }

        var query = JsonSerializer.SerializeToElement(MetricScenario.MathQuery(ns, t));
        var data = await Aws(client, "cloudwatch", "get-metric-data", "--start-time", Iso(t), "--end-time", Iso(t.AddMinutes(2)),
            "--scan-by", "TimestampAscending", "--metric-data-queries", query.GetProperty("MetricDataQueries").GetRawText());
        data.ExitCode.ShouldBe(0, data.ToString());
        using (var doc = JsonDocument.Parse(data.Stdout))
        {
            MetricScenario.ShouldBeMathResult(doc.RootElement);
        }

        var list = await Aws(client, "cloudwatch", "list-metrics", "--namespace", ns, "--dimensions", "Name=Host,Value=b");
        list.ExitCode.ShouldBe(0, list.ToString());
        using (var doc = JsonDocument.Parse(list.Stdout))
        {
            doc.RootElement.GetProperty("Metrics").EnumerateArray().ShouldHaveSingleItem(list.ToString())
                .GetProperty("Dimensions")[0].GetProperty("Value").GetString().ShouldBe("b");
        }
    }

    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task A_reserved_namespace_is_refused_with_InvalidParameterValue(CompatClient client)
    {
        var run = await Aws(client, "cloudwatch", "put-metric-data", "--namespace", "AWS/EC2", "--metric-name", "CPUUtilization", "--value", "1");

        run.ExitCode.ShouldBe(client == CompatClient.AwsCliV1 ? 255 : 254, run.ToString());
        ErrorLine().Match(run.Stderr).Groups["code"].Value.ShouldBe("InvalidParameterValue", run.ToString());
        run.Stderr.ShouldContain("AWS/EC2");
    }

    private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    private Task<ProcessResult> Aws(CompatClient client, params string[] command) => server.AwsCliAsync(client, output, CompatServer.Alice, command);

    [GeneratedRegex(@"An error occurred \((?<code>[^)]*)\) when calling the PutMetricData operation")]
    private static partial Regex ErrorLine();
}
