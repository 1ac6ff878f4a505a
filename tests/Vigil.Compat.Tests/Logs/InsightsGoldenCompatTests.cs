using System.Globalization;
using System.Text.Json;
using Vigil.Compat.Tests.TestSupport;
using Vigil.Logs.Insights;
using Vigil.Logs.Insights.Execution;
using Vigil.Logs.Insights.Functions;
using Vigil.Logs.Tests.Insights;

namespace Vigil.Compat.Tests.Logs;

/// <summary>
/// The golden corpus (tests/Vigil.Logs.Tests/Insights/InsightsCorpus.cs, whose in-process answers InsightsGoldenTests
/// checks by hand) sent through PutLogEvents, then queries using every command and every function run through
/// StartQuery/GetQueryResults by boto3 (both), the JS SDK v3 and the AWS CLIs: each client must get exactly the rows
/// the in-process executor gives over the same events. The corpus moves to last week (PutLogEvents refuses events
/// older than 14 days), keeping its weekday and time of day.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed class InsightsGoldenCompatTests(CompatServer server, ITestOutputHelper output)
{
    /// <summary>Between them: every command (but diff, which InsightsCompatTests runs) and every function.</summary>
    private static readonly string[] Queries =
    [
        "fields @timestamp, level, user.id, tags.0 | filter level = \"ERROR\" or status >= 404 | sort @timestamp desc | limit 5",
        "filter @message like /ERROR|WARN/ and @message not like \"reset\" | display @timestamp, @logStream, @message",
        "stats count(*) as n, count(status) as c, count_distinct(user.id) as users, sum(latency) as s, avg(latency) as a, min(latency) as mn, max(latency) as mx, pct(latency, 50) as p50, stddev(latency) as sd by level",
        "stats earliest(level) as e, latest(level) as l, sortsFirst(level) as f, sortsLast(level) as z by bin(1m)",
        "parse @message \"[*] user=*, method:*, latency := * \" as lvl, u, m, lat | filter ispresent(lvl) | stats sum(lat) as total, count(*) as c by m",
        "parse @message /\\[(?<lvl>[A-Z]+)\\] user=(?<u>\\w+)/ | fields lvl, u | filter ispresent(u) | sort u asc, lvl desc",
        "fields strlen(user.name) as n, toupper(level) as up, tolower(level) as lo, trim(@message) as t, ltrim(@message) as lt, rtrim(@message) as rt | filter ispresent(user.name) or @message like \"plain\"",
        "fields concat(level, \"-\", status) as c, substr(level, 1, 2) as s, replace(level, \"R\", \"r\") as r, strcontains(level, \"RR\") as has, isempty(user.name) as e, isblank(user.name) as b, coalesce(user.name, user.id) as who | filter ispresent(level)",
        "fields abs(0 - status) as a, ceil(latency) as c, floor(latency) as f, log(latency) as l, sqrt(latency) as q, pow(status, 2) as p, greatest(status, latency) as g, least(status, latency) as m | filter ispresent(status)",
        "fields toMillis(@timestamp) - toMillis(datefloor(@timestamp, 1h)) as sinceHour, fromMillis(toMillis(@timestamp)) as back, dateceil(@timestamp, 1m) as up | sort @timestamp asc | limit 4",
        "fields isValidIp(ip) as v, isValidIpV4(ip) as v4, isValidIpV6(ip) as v6, isIpInSubnet(ip, \"10.0.0.0/16\") as sub, isIpv4InSubnet(ip, \"10.0.0.0/8\") as sub4, isIpv6InSubnet(ip, \"2001:db8::/32\") as sub6 | filter ispresent(ip)",
        "fields level, status | sort level asc | dedup level",
        "fields unmask(@message) as m | unmask @message | filter level in [\"ERROR\", \"WARN\"] | sort @timestamp asc",
        "pattern @message",
        "filter ispresent(@duration) | fields @type, @requestId, @duration, @billedDuration, @memorySize, @maxMemoryUsed",
        "# a comment line\nfilter @message =~ \"Exception\" | fields @message",
    ];

    /// <summary>The first Monday at least seven days back, so the corpus keeps its weekday and stays within 14 days.</summary>
    private static long ShiftedT0()
    {
        var day = DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(-7);
        while (day.DayOfWeek != DayOfWeek.Monday)
        {
            day = day.AddDays(-1);
        }

        return new DateTimeOffset(day, TimeSpan.Zero).ToUnixTimeMilliseconds();
    }

    [Fact]
    public void The_queries_use_every_command_and_function_and_each_finds_rows()
    {
        var shift = ShiftedT0() - InsightsCorpus.T0;
        var events = InsightsCorpus.Events.Select(e => e with { Timestamp = e.Timestamp + shift }).ToArray();
        foreach (var query in Queries)
        {
            Expected(query, events).ShouldNotBeEmpty(query); // an empty answer would match anything vacuously
        }

        var text = string.Join("\n", Queries);
        foreach (var function in FunctionRegistry.Names)
        {
            text.ShouldContain(function + "(", customMessage: $"no query calls {function}");
        }

        foreach (var command in new[] { "fields", "filter", "stats", "sort", "limit", "parse", "display", "dedup", "unmask", "pattern" })
        {
            text.ShouldContain(command + " ", customMessage: $"no query uses {command}");
        }
    }

    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.Boto3Query)]
    [ClientData(CompatClient.JsSdkV3)]
    public async Task Every_query_answers_through_the_sdks_as_in_process(CompatClient client)
    {
        var (group, events, window) = await PutCorpusAsync(client);
        var install = Clients.Get(client);
        var parameters = JsonSerializer.Serialize(new { logGroupName = group, startTime = window.Start, endTime = window.End, queries = Queries });
        var run = client == CompatClient.JsSdkV3
            ? await server.RunAsync(install.RequireProgram(), [Path.Combine(install.Directory!, "insights.mjs"), "--params", parameters], CompatServer.Alice, install.Directory!)
            : await server.RunAsync(install.RequireProgram(), [Path.Combine(Clients.ScriptsDirectory, "boto3_insights.py"), "--params", parameters], CompatServer.Alice);
        output.WriteLine($"{client}: {install.Version}\n{run}");
        using var outcome = ScriptOutcome.From(run);
        outcome.Ok.ShouldBeTrue(run.ToString());
        var answers = outcome.Root.GetProperty("result").GetProperty("answers").EnumerateArray().ToArray();
        answers.Length.ShouldBe(Queries.Length);
        for (var q = 0; q < Queries.Length; q++)
        {
            answers[q].GetProperty("status").GetString().ShouldBe("Complete", Queries[q]);
            Render(answers[q].GetProperty("results")).ShouldBe(Expected(Queries[q], events), Queries[q]);
        }
    }

    [Theory]
    [ClientData(CompatClient.AwsCliV1)]
    [ClientData(CompatClient.AwsCliV2)]
    public async Task Queries_answer_through_the_cli_as_in_process(CompatClient client)
    {
        var (group, events, window) = await PutCorpusAsync(client);
        foreach (var query in Queries) // every one, so each command and function also goes through each CLI
        {
            var started = await Aws(client, "logs", "start-query", "--log-group-name", group, "--start-time", window.Start.ToString(CultureInfo.InvariantCulture),
                "--end-time", window.End.ToString(CultureInfo.InvariantCulture), "--query-string", query);
            started.ExitCode.ShouldBe(0, started.ToString());
            using var id = JsonDocument.Parse(started.Stdout);
            for (var attempt = 0; ; attempt++)
            {
                var results = await Aws(client, "logs", "get-query-results", "--query-id", id.RootElement.GetProperty("queryId").GetString()!);
                results.ExitCode.ShouldBe(0, results.ToString());
                using var doc = JsonDocument.Parse(results.Stdout);
                var status = doc.RootElement.GetProperty("status").GetString();
                if (status is not ("Scheduled" or "Running") || attempt == 50)
                {
                    status.ShouldBe("Complete", query);
                    Render(doc.RootElement.GetProperty("results")).ShouldBe(Expected(query, events), query);
                    break;
                }

                await Task.Delay(100);
            }
        }
    }

    /// <summary>A fresh group holding the corpus, moved to last week; its events as the in-process executor sees them.</summary>
    private async Task<(string Group, LogEventInput[] Events, (long Start, long End) Window)> PutCorpusAsync(CompatClient client)
    {
        var group = $"/golden/{client}-{Guid.NewGuid():N}"[..40];
        var shift = ShiftedT0() - InsightsCorpus.T0;
        var events = InsightsCorpus.Events.Select(e => e with { LogGroup = group, Timestamp = e.Timestamp + shift }).ToArray();
        await SendAsync("CreateLogGroup", new { logGroupName = group });
        foreach (var stream in events.Select(e => e.LogStream).Distinct())
        {
            await SendAsync("CreateLogStream", new { logGroupName = group, logStreamName = stream });
            await SendAsync("PutLogEvents", new
            {
                logGroupName = group,
                logStreamName = stream,
                logEvents = events.Where(e => e.LogStream == stream).OrderBy(e => e.Timestamp).Select(e => new { timestamp = e.Timestamp, message = e.Message }).ToArray(),
            });
        }

        var start = ((ShiftedT0() / 1000) - 3600);
        return (group, events, (start, start + (3 * 3600)));
    }

    /// <summary>Setting the data up needs no client under test: signed JSON straight to the server.</summary>
    private async Task SendAsync(string operation, object parameters)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(parameters);
        var headers = new Dictionary<string, string> { ["Content-Type"] = "application/x-amz-json-1.1", ["X-Amz-Target"] = $"Logs_20140328.{operation}" };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(new Uri(server.Endpoint), "/")) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", headers["Content-Type"]);
        request.Headers.TryAddWithoutValidation("X-Amz-Target", headers["X-Amz-Target"]);
        RawSigV4.Sign(request, body, headers, CompatServer.Alice, "logs", CompatServer.Region, DateTimeOffset.UtcNow);
        using var http = new HttpClient();
        using var response = await http.SendAsync(request);
        ((int)response.StatusCode).ShouldBe(200, $"{operation}: {await response.Content.ReadAsStringAsync()}");
    }

    /// <summary>What the in-process executor answers over the same events, rendered as <see cref="Render"/> does.</summary>
    private static string[] Expected(string query, LogEventInput[] events) => InsightsCorpus.Render(InsightsQuery.Compile(query).Run(events));

    /// <summary>GetQueryResults' rows as "field=value|…", @ptr left out (each event's own).</summary>
    private static string[] Render(JsonElement results) =>
        [.. results.EnumerateArray().Select(row => string.Join('|', row.EnumerateArray()
            .Where(c => c.GetProperty("field").GetString() != "@ptr")
            .Select(c => $"{c.GetProperty("field").GetString()}={c.GetProperty("value").GetString()}")))];

    private Task<ProcessResult> Aws(CompatClient client, params string[] command) => server.AwsCliAsync(client, output, CompatServer.Alice, command);
}
