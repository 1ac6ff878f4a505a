using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Compat.Tests.TestSupport;

namespace Vigil.Compat.Tests.Logs;

/// <summary>
/// Logs Insights through boto3 1.43 and 1.26, the JS SDK v3 and the AWS CLI v1 and v2: a stats query, a pattern and
/// a pattern + diff query, a filter + sort + limit query, GetLogRecord of its @ptr, and a malformed query's
/// MalformedQueryException with its location. Each row uses its own group.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed partial class InsightsCompatTests(CompatServer server, ITestOutputHelper output)
{
    private const string StatsQuery = """parse @message /level[=":]+(?<lvl>[A-Z]+)/ | stats count(*) as n by lvl""";
    private const string NewestError = "fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 1";
    private const string JsonError = """{"level":"ERROR","latency_ms":120}""";

    private static readonly string[] Messages = ["level=INFO start", JsonError, "level=ERROR boom", "level=WARN slow"];

    /// <summary>Ten minutes ago on a whole second.</summary>
    private static long Start() => (DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds() / 1000) * 1000;

    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.Boto3Query)]
    [ClientData(CompatClient.JsSdkV3)]
    public async Task Insights_queries_through_the_sdks(CompatClient client)
    {
        var group = $"/insights/{client}-{Guid.NewGuid():N}"[..40];
        var t = Start();
        (await Call(client, "CreateLogGroup", new { logGroupName = group })).Dispose();
        (await Call(client, "CreateLogStream", new { logGroupName = group, logStreamName = "app" })).Dispose();
        using (var put = await Call(client, "PutLogEvents", new
        {
            logGroupName = group,
            logStreamName = "app",
            logEvents = Messages.Select((m, i) => new { timestamp = t + (i * 1000), message = m }).ToArray(),
        }))
        {
            put.Ok.ShouldBeTrue(put.ToString());
        }

        var window = new { startTime = (t / 1000) - 60, endTime = DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60 };
        using (var stats = await QueryAsync(client, group, StatsQuery, window.startTime, window.endTime))
        {
            Rows(stats, "lvl", "n").ShouldBe([["ERROR", "2"], ["INFO", "1"], ["WARN", "1"]], stats.ToString());
            stats.Root.GetProperty("result").GetProperty("statistics").GetProperty("recordsScanned").GetDouble().ShouldBe(4);
            stats.Root.GetProperty("result").GetProperty("statistics").GetProperty("recordsMatched").GetDouble().ShouldBe(4);
        }

        using (var patterns = await QueryAsync(client, group, "pattern @message", window.startTime, window.endTime))
        {
            Rows(patterns, "@pattern", "@sampleCount", "@severityLabel").ShouldBe(
            [
                ["level=ERROR boom", "1", "ERROR"],
                ["level=INFO start", "1", "INFO"],
                ["level=WARN slow", "1", "WARN"],
                ["""{"level":"ERROR","latency_ms":<*>}""", "1", "ERROR"],
            ], patterns.ToString());
        }

        using (var diff = await QueryAsync(client, group, "filter @message like /ERROR/ | pattern @message | diff", window.startTime, window.endTime))
        {
            Rows(diff, "@pattern", "@sampleCount", "@previousSampleCount", "@differenceDescription").ShouldBe(
            [
                ["level=ERROR boom", "1", "0", "new"],
                ["""{"level":"ERROR","latency_ms":<*>}""", "1", "0", "new"],
            ], diff.ToString());
        }

        string pointer;
        using (var newest = await QueryAsync(client, group, NewestError, window.startTime, window.endTime))
        {
            Rows(newest, "@message").ShouldBe([["level=ERROR boom"]], newest.ToString());
            pointer = Rows(newest, "@ptr")[0][0];
        }

        using (var record = await Call(client, "GetLogRecord", new { logRecordPointer = pointer }))
        {
            record.Ok.ShouldBeTrue(record.ToString());
            record.Text("result.logRecord.@message").ShouldBe("level=ERROR boom", record.ToString());
            record.Text("result.logRecord.@logStream").ShouldBe("app", record.ToString());
            record.Text("result.logRecord.@timestamp").ShouldBe((t + 2000).ToString(System.Globalization.CultureInfo.InvariantCulture), record.ToString());
        }

        using var malformed = await Call(client, "StartQuery", new { logGroupName = group, window.startTime, window.endTime, queryString = "stats count(*) by" });
        malformed.Ok.ShouldBeFalse(malformed.ToString());
        malformed.Text(client == CompatClient.JsSdkV3 ? "name" : "code").ShouldBe("MalformedQueryException", malformed.ToString());
        var location = client == CompatClient.JsSdkV3
            ? malformed.Root.GetProperty("queryCompileError").GetProperty("location")
            : malformed.Root.GetProperty("error_members").GetProperty("queryCompileError").GetProperty("location");
        location.GetProperty("startCharOffset").GetInt32().ShouldBeGreaterThanOrEqualTo(0);
        location.GetProperty("endCharOffset").GetInt32().ShouldBeGreaterThan(location.GetProperty("startCharOffset").GetInt32());
    }

    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Start_query_and_get_query_results_from_the_cli(CompatClient client)
    {
        var group = $"/insights-cli/{client}-{Guid.NewGuid():N}"[..36];
        var t = Start();
        (await Aws(client, "logs", "create-log-group", "--log-group-name", group)).ExitCode.ShouldBe(0);
        (await Aws(client, "logs", "create-log-stream", "--log-group-name", group, "--log-stream-name", "app")).ExitCode.ShouldBe(0);
        var put = await Aws(client, ["logs", "put-log-events", "--log-group-name", group, "--log-stream-name", "app", "--log-events",
            .. Messages.Select((m, i) => JsonSerializer.Serialize(new { timestamp = t + (i * 1000), message = m }))]);
        put.ExitCode.ShouldBe(0, put.ToString());
        var from = ((t / 1000) - 60).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var to = (DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 60).ToString(System.Globalization.CultureInfo.InvariantCulture);

        using (var stats = await CliQueryAsync(client, group, StatsQuery, from, to))
        {
            CliRows(stats.RootElement, "lvl", "n").ShouldBe([["ERROR", "2"], ["INFO", "1"], ["WARN", "1"]]);
        }

        using (var newest = await CliQueryAsync(client, group, NewestError, from, to))
        {
            CliRows(newest.RootElement, "@message").ShouldBe([["level=ERROR boom"]]);
            var record = await Aws(client, "logs", "get-log-record", "--log-record-pointer", CliRows(newest.RootElement, "@ptr")[0][0]);
            record.ExitCode.ShouldBe(0, record.ToString());
            using var doc = JsonDocument.Parse(record.Stdout);
            doc.RootElement.GetProperty("logRecord").GetProperty("@message").GetString().ShouldBe("level=ERROR boom");
        }

        var malformed = await Aws(client, "logs", "start-query", "--log-group-name", group, "--start-time", from, "--end-time", to, "--query-string", "stats count(*) by");
        malformed.ExitCode.ShouldBe(client == CompatClient.AwsCliV1 ? 255 : 254, malformed.ToString());
        var line = ErrorLine().Match(malformed.Stderr);
        line.Success.ShouldBeTrue(malformed.ToString());
        line.Groups["code"].Value.ShouldBe("MalformedQueryException");
        line.Groups["operation"].Value.ShouldBe("StartQuery");
    }

    private async Task<ScriptOutcome> QueryAsync(CompatClient client, string group, string query, long start, long end)
    {
        string id;
        using (var started = await Call(client, "StartQuery", new { logGroupName = group, startTime = start, endTime = end, queryString = query }))
        {
            started.Ok.ShouldBeTrue(started.ToString());
            id = started.Text("result.queryId")!;
        }

        for (var attempt = 0; ; attempt++)
        {
            var r = await Call(client, "GetQueryResults", new { queryId = id });
            r.Ok.ShouldBeTrue(r.ToString());
            if (r.Text("result.status") is not ("Scheduled" or "Running") || attempt == 50)
            {
                r.Text("result.status").ShouldBe("Complete", r.ToString());
                return r;
            }

            r.Dispose();
            await Task.Delay(100);
        }
    }

    private async Task<JsonDocument> CliQueryAsync(CompatClient client, string group, string query, string from, string to)
    {
        var started = await Aws(client, "logs", "start-query", "--log-group-name", group, "--start-time", from, "--end-time", to, "--query-string", query);
        started.ExitCode.ShouldBe(0, started.ToString());
        string id;
        using (var doc = JsonDocument.Parse(started.Stdout))
        {
            id = doc.RootElement.GetProperty("queryId").GetString()!;
        }

        for (var attempt = 0; ; attempt++)
        {
            var r = await Aws(client, "logs", "get-query-results", "--query-id", id);
            r.ExitCode.ShouldBe(0, r.ToString());
            var doc = JsonDocument.Parse(r.Stdout);
            if (doc.RootElement.GetProperty("status").GetString() is not ("Scheduled" or "Running") || attempt == 50)
            {
                doc.RootElement.GetProperty("status").GetString().ShouldBe("Complete", r.ToString());
                return doc;
            }

            doc.Dispose();
            await Task.Delay(100);
        }
    }

    private static string[][] Rows(ScriptOutcome r, params string[] fields) => CliRows(r.Root.GetProperty("result"), fields);

    private static string[][] CliRows(JsonElement result, params string[] fields) =>
        [.. result.GetProperty("results").EnumerateArray().Select(row => fields.Select(f =>
            row.EnumerateArray().FirstOrDefault(c => c.GetProperty("field").GetString() == f) is { ValueKind: JsonValueKind.Object } cell
                ? cell.GetProperty("value").GetString()! : "-").ToArray())];

    private Task<ProcessResult> Aws(CompatClient client, params string[] command) => server.AwsCliAsync(client, output, CompatServer.Alice, command);

    private async Task<ScriptOutcome> Call(CompatClient client, string operation, object parameters)
    {
        var install = Clients.Get(client);
        var json = JsonSerializer.Serialize(parameters);
        var run = client == CompatClient.JsSdkV3
            ? await server.RunAsync(install.RequireProgram(), [Path.Combine(install.Directory!, "compat.mjs"), "logs", operation, "--params", json], CompatServer.Alice, install.Directory!)
            : await server.RunAsync(install.RequireProgram(), [Path.Combine(Clients.ScriptsDirectory, "boto3_compat.py"), "logs", SnakeCase().Replace(operation, "_$1").ToLowerInvariant(), "--params", json], CompatServer.Alice);
        output.WriteLine($"{client} {operation}: {install.Version}\n{run}");
        return ScriptOutcome.From(run);
    }

    [GeneratedRegex("(?<=[a-z])([A-Z])")]
    private static partial Regex SnakeCase();

    [GeneratedRegex(@"An error occurred \((?<code>[^)]*)\) when calling the (?<operation>\w+) operation")]
    private static partial Regex ErrorLine();
}
