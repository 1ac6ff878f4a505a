using Vigil.Logs.Api.Insights;
using Vigil.Protocol.Shapes.Logs;
using Vigil.Storage.IO;
using static Vigil.Logs.Tests.Api.LogsApiHarness;

namespace Vigil.Logs.Tests.Api.Insights;

/// <summary>
/// Logs Insights through the API over a real store: a fixed corpus of seven events in two groups, four of them sealed
/// in a block by a checkpoint and three still in the head, with every expected row worked out by hand below.
/// </summary>
public sealed class InsightsApiTests : IAsyncLifetime
{
    // /app, sealed: web at minutes 1 and 2 and 3, worker at 4. /app, head: web at 5, worker at 6. /other, head: s at 3.
    private const string M1 = """{"level":"ERROR","latency_ms":120,"path":"/api/payments","status":503}""";
    private const string M2 = "level=INFO path=/api/users status=200 latency_ms=15";
    private const string M3 = """{"level":"INFO","latency_ms":30,"path":"/api/users","status":200}""";
    private const string M4 = "level=ERROR path=/api/payments status=500 latency_ms=250";
    private const string M5 = """{"level":"WARN","latency_ms":80,"path":"/api/orders","status":429}""";
    private const string M6 = "level=ERROR path=/api/orders status=502 latency_ms=90";
    private const string O3 = """{"level":"ERROR","latency_ms":10,"path":"/x","status":500}""";

    private readonly LogsApiHarness _h = new();

    public async Task InitializeAsync()
    {
        await _h.CreateGroupAsync("/app");
        await _h.CreateGroupAsync("/other");
        await _h.CreateStreamAsync("/app", "web");
        await _h.CreateStreamAsync("/app", "worker");
        await _h.CreateStreamAsync("/other", "s");
        await _h.PutAsync("/app", "web", (At(1), M1), (At(2), M2), (At(3), M3));
        await _h.PutAsync("/app", "worker", (At(4), M4));
        await _h.Store.CheckpointAsync();
        await _h.PutAsync("/app", "web", (At(5), M5));
        await _h.PutAsync("/app", "worker", (At(6), M6));
        await _h.PutAsync("/other", "s", (At(3), O3));
    }

    public async Task DisposeAsync() => await _h.DisposeAsync();

    /// <summary>Minute m of the corpus: now − 30 min + m.</summary>
    private static long At(int minute) => Now - (30 * Minute) + (minute * Minute);

    private static long Seconds(long ms) => ms / 1000;

    private static readonly long From = Seconds(Now - Hour);
    private static readonly long To = Seconds(Now);

    private async Task<GetQueryResultsResponse> RunAsync(StartQueryRequest request, string account = Account)
    {
        request.StartTime ??= From;
        request.EndTime ??= To;
        var id = (await _h.CallAsync<StartQueryResponse>("StartQuery", request, account)).QueryId!;
        id.ShouldNotBeNullOrEmpty();
        return await WaitAsync(id, account);
    }

    private async Task<GetQueryResultsResponse> WaitAsync(string id, string account = Account)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var r = await _h.CallAsync<GetQueryResultsResponse>("GetQueryResults", new GetQueryResultsRequest { QueryId = id }, account);
            if (r.Status is not ("Scheduled" or "Running") || DateTime.UtcNow > deadline)
            {
                return r;
            }

            await Task.Delay(10);
        }
    }

    private static string[][] Rows(GetQueryResultsResponse r, params string[] fields) =>
        [.. r.Results!.Select(row => fields.Select(f => row.FirstOrDefault(c => c.Field == f)?.Value ?? "-").ToArray())];

    [Fact]
    public async Task A_stats_query_over_two_groups_counts_by_a_field_parsed_from_both_formats()
    {
        var r = await RunAsync(new StartQueryRequest
        {
            LogGroupNames = ["/app", "/other"],
            QueryString = """parse @message /level[=":]+(?<lvl>[A-Z]+)/ | stats count(*) as n by lvl""",
        });
        r.Status.ShouldBe("Complete");
        Rows(r, "lvl", "n").ShouldBe([["ERROR", "4"], ["INFO", "2"], ["WARN", "1"]]);
        r.Results!.ShouldAllBe(row => row.All(c => c.Field != "@ptr"));
        r.Statistics!.RecordsScanned.ShouldBe(7);
        r.Statistics.RecordsMatched.ShouldBe(7);
        r.Statistics.BytesScanned.ShouldBe(new[] { M1, M2, M3, M4, M5, M6, O3 }.Sum(m => m.Length));
        r.Statistics.LogGroupsScanned.ShouldBe(2);
        r.QueryLanguage.ShouldBe("CWLI");
    }

    [Fact]
    public async Task A_filter_sort_limit_query_returns_the_newest_matches_with_pointers_and_statistics()
    {
        var r = await RunAsync(new StartQueryRequest
        {
            LogGroupName = "/app",
            QueryString = "fields @timestamp, @message, @logStream | filter @message like /ERROR/ | sort @timestamp desc | limit 2",
        });
        r.Status.ShouldBe("Complete");
        Rows(r, "@message", "@logStream").ShouldBe([[M6, "worker"], [M4, "worker"]]);
        Rows(r, "@timestamp")[0][0].ShouldBe(DateTimeOffset.FromUnixTimeMilliseconds(At(6)).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture));
        r.Results!.ShouldAllBe(row => row.Any(c => c.Field == "@ptr"));
        r.Statistics!.RecordsMatched.ShouldBe(3);
        r.Statistics.RecordsScanned.ShouldBe(6);
    }

    [Fact]
    public async Task A_limit_without_sort_gives_the_newest_matches_across_head_and_blocks()
    {
        var r = await RunAsync(new StartQueryRequest { LogGroupIdentifiers = [GroupArn("/app"), "/other"], QueryString = "filter @message like \"ERROR\" | limit 3" });
        Rows(r, "@message").ShouldBe([[M6], [M4], [O3]]);
        var limited = await RunAsync(new StartQueryRequest { LogGroupName = "/app", QueryString = "fields @message", Limit = 2 });
        Rows(limited, "@message").ShouldBe([[M6], [M5]]);
    }

    [Fact]
    public async Task Pattern_clusters_the_text_lines_and_diff_compares_with_the_window_before()
    {
        var patterns = await RunAsync(new StartQueryRequest { LogGroupName = "/app", QueryString = "filter @message like /level=/ | pattern @message" });
        patterns.Status.ShouldBe("Complete");
        Rows(patterns, "@pattern", "@sampleCount", "@ratio", "@severityLabel").ShouldBe(
        [
            ["level=ERROR path=/api/<*> status=<*> latency_ms=<*>", "2", "0.6666666666666666", "ERROR"],
            ["level=INFO path=/api/users status=<*> latency_ms=<*>", "1", "0.3333333333333333", "INFO"],
        ]);
        patterns.Results!.ShouldAllBe(row => row.All(c => c.Field != "@ptr"));

        // Minutes 4 to 6 (three minutes) against minutes 1 to 3: M4 and M6 now, M2 before.
        var diff = await RunAsync(new StartQueryRequest
        {
            LogGroupName = "/app",
            StartTime = Seconds(At(4)),
            EndTime = Seconds(At(6)) + 59,
            QueryString = "filter @message like /level=/ | pattern @message | diff",
        });
        diff.Status.ShouldBe("Complete");
        Rows(diff, "@pattern", "@sampleCount", "@previousSampleCount", "@diffEventCount", "@differenceDescription").ShouldBe(
        [
            ["level=ERROR path=/api/<*> status=<*> latency_ms=<*>", "2", "0", "2", "new"],
            ["level=INFO path=/api/users status=<*> latency_ms=<*>", "0", "1", "-1", "gone"],
        ]);
        diff.Statistics!.RecordsScanned.ShouldBe(6);
        diff.Statistics.BytesScanned.ShouldBe(new[] { M1, M2, M3, M4, M5, M6 }.Sum(m => m.Length));
    }

    [Fact]
    public async Task The_window_is_in_seconds_and_inclusive_at_both_ends()
    {
        var r = await RunAsync(new StartQueryRequest
        {
            LogGroupName = "/app",
            StartTime = Seconds(At(2)),
            EndTime = Seconds(At(4)),
            QueryString = "stats count(*) as n",
        });
        Rows(r, "n").ShouldBe([["3"]]);
    }

    [Fact]
    public async Task A_malformed_query_is_refused_with_its_location()
    {
        var e = await _h.FailsAsync("MalformedQueryException", "StartQuery", new StartQueryRequest
        {
            LogGroupName = "/app",
            StartTime = From,
            EndTime = To,
            QueryString = "stats count(*) by",
        });
        var detail = e.Detail.ShouldBeOfType<MalformedQueryException>();
        detail.QueryCompileError!.Message.ShouldBe(e.Message);
        detail.QueryCompileError.Location!.StartCharOffset.ShouldNotBeNull();
        detail.QueryCompileError.Location.EndCharOffset!.Value.ShouldBeGreaterThan(detail.QueryCompileError.Location.StartCharOffset!.Value);
        e.Message.ShouldContain("at line 1 and column");
    }

    [Fact]
    public async Task StartQuery_validates_its_groups_window_limit_and_language()
    {
        StartQueryRequest Q(Action<StartQueryRequest> set)
        {
            var q = new StartQueryRequest { StartTime = From, EndTime = To, QueryString = "fields @message" };
            set(q);
            return q;
        }

        await _h.FailsAsync("InvalidParameterException", "StartQuery", Q(_ => { }));
        await _h.FailsAsync("InvalidParameterException", "StartQuery", Q(q => { q.LogGroupName = "/app"; q.LogGroupNames = ["/other"]; }));
        await _h.FailsAsync("InvalidParameterException", "StartQuery", Q(q => q.LogGroupNames = [.. Enumerable.Range(0, 51).Select(i => $"/g{i}")]));
        await _h.FailsAsync("InvalidParameterException", "StartQuery", Q(q => { q.LogGroupName = "/app"; q.Limit = 0; }));
        await _h.FailsAsync("InvalidParameterException", "StartQuery", Q(q => { q.LogGroupName = "/app"; q.Limit = 100_001; }));
        await _h.FailsAsync("InvalidParameterException", "StartQuery", Q(q => { q.LogGroupName = "/app"; q.QueryLanguage = "SQL"; }));
        await _h.FailsAsync("InvalidParameterException", "StartQuery", Q(q => { q.LogGroupName = "/app"; q.StartTime = To; q.EndTime = From; }));
        await _h.FailsAsync("InvalidParameterException", "StartQuery", Q(q => { q.LogGroupName = "/app"; q.QueryString = new string(' ', 10_001); }));
        var missing = await _h.FailsAsync("ResourceNotFoundException", "StartQuery", Q(q => q.LogGroupNames = ["/app", "/nope"]));
        missing.Message.ShouldContain("/nope");
        await _h.FailsAsync("ResourceNotFoundException", "StartQuery", Q(q => q.LogGroupName = "/app"), OtherAccount);
        await _h.FailsAsync("ResourceNotFoundException", "StartQuery", Q(q => q.LogGroupIdentifiers = [GroupArn("/app", OtherAccount)]));
    }

    [Fact]
    public async Task A_query_belongs_to_its_account_and_stops_only_while_running()
    {
        var id = (await _h.CallAsync<StartQueryResponse>("StartQuery", new StartQueryRequest { LogGroupName = "/app", StartTime = From, EndTime = To, QueryString = "fields @message" })).QueryId!;
        (await WaitAsync(id)).Status.ShouldBe("Complete");
        await _h.FailsAsync("ResourceNotFoundException", "GetQueryResults", new GetQueryResultsRequest { QueryId = id }, OtherAccount);
        await _h.FailsAsync("ResourceNotFoundException", "StopQuery", new StopQueryRequest { QueryId = id }, OtherAccount);
        await _h.FailsAsync("ResourceNotFoundException", "GetQueryResults", new GetQueryResultsRequest { QueryId = "no-such-query" });
        await _h.FailsAsync("InvalidParameterException", "StopQuery", new StopQueryRequest { QueryId = id });

        var mine = await _h.CallAsync<DescribeQueriesResponse>("DescribeQueries", new DescribeQueriesRequest { });
        var info = mine.Queries!.ShouldHaveSingleItem();
        info.QueryId.ShouldBe(id);
        info.Status.ShouldBe("Complete");
        info.LogGroupName.ShouldBe("/app");
        info.QueryString.ShouldBe("fields @message");
        info.CreateTime.ShouldBe(Now);
        (await _h.CallAsync<DescribeQueriesResponse>("DescribeQueries", new DescribeQueriesRequest { Status = "Running" })).Queries.ShouldBeEmpty();
        (await _h.CallAsync<DescribeQueriesResponse>("DescribeQueries", new DescribeQueriesRequest { LogGroupName = "/other" })).Queries.ShouldBeEmpty();
        (await _h.CallAsync<DescribeQueriesResponse>("DescribeQueries", new DescribeQueriesRequest { }, OtherAccount)).Queries.ShouldBeEmpty();
    }

    [Fact]
    public async Task Results_page_with_maxItems_and_a_token()
    {
        var first = await RunAsync(new StartQueryRequest { LogGroupName = "/app", QueryString = "fields @message" });
        first.Results!.Count.ShouldBe(6);
        var id = (await _h.CallAsync<DescribeQueriesResponse>("DescribeQueries", new DescribeQueriesRequest())).Queries![0].QueryId!;
        var page1 = await _h.CallAsync<GetQueryResultsResponse>("GetQueryResults", new GetQueryResultsRequest { QueryId = id, MaxItems = 4 });
        page1.Results!.Count.ShouldBe(4);
        var page2 = await _h.CallAsync<GetQueryResultsResponse>("GetQueryResults", new GetQueryResultsRequest { QueryId = id, MaxItems = 4, NextToken = page1.NextToken });
        page2.Results!.Count.ShouldBe(2);
        page2.NextToken.ShouldBeNull();
        Rows(page1, "@message").Concat(Rows(page2, "@message")).ShouldBe(Rows(first, "@message"));
    }

    [Fact]
    public async Task GetLogRecord_turns_a_pointer_into_the_whole_event_with_discovered_fields()
    {
        var r = await RunAsync(new StartQueryRequest { LogGroupName = "/app", QueryString = "fields @timestamp | filter @message like /payments/ | sort @timestamp asc" });
        var pointers = r.Results!.Select(row => row.Single(c => c.Field == "@ptr").Value!).ToArray();
        pointers.Length.ShouldBe(2);
        var record = (await _h.CallAsync<GetLogRecordResponse>("GetLogRecord", new GetLogRecordRequest { LogRecordPointer = pointers[0] })).LogRecord!;
        record["@message"].ShouldBe(M1);
        record["@timestamp"].ShouldBe(At(1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        record["@ingestionTime"].ShouldBe(Now.ToString(System.Globalization.CultureInfo.InvariantCulture));
        record["@logStream"].ShouldBe("web");
        record["@log"].ShouldBe($"{Account}:/app");
        record["level"].ShouldBe("ERROR");
        record["latency_ms"].ShouldBe("120");
        record["status"].ShouldBe("503");
        var text = (await _h.CallAsync<GetLogRecordResponse>("GetLogRecord", new GetLogRecordRequest { LogRecordPointer = pointers[1] })).LogRecord!;
        text["@message"].ShouldBe(M4);
        text.Keys.Order(StringComparer.Ordinal).ShouldBe(["@ingestionTime", "@log", "@logStream", "@message", "@timestamp"]);
        await _h.FailsAsync("ResourceNotFoundException", "GetLogRecord", new GetLogRecordRequest { LogRecordPointer = pointers[0] }, OtherAccount);
        await _h.FailsAsync("InvalidParameterException", "GetLogRecord", new GetLogRecordRequest { LogRecordPointer = "!!not a pointer!!" });
    }

    [Fact]
    public async Task GetLogGroupFields_gives_each_fields_share_of_the_window_around_a_time()
    {
        var r = await _h.CallAsync<GetLogGroupFieldsResponse>("GetLogGroupFields", new GetLogGroupFieldsRequest { LogGroupName = "/app", Time = Seconds(At(3)) });
        r.LogGroupFields!.Select(f => (f.Name, f.Percent)).ShouldBe(
        [
            ("@ingestionTime", 100), ("@log", 100), ("@logStream", 100), ("@message", 100), ("@timestamp", 100),
            ("latency_ms", 50), ("level", 50), ("path", 50), ("status", 50),
        ]);
        (await _h.CallAsync<GetLogGroupFieldsResponse>("GetLogGroupFields", new GetLogGroupFieldsRequest { LogGroupName = "/app" })).LogGroupFields.ShouldBeEmpty();
        await _h.FailsAsync("ResourceNotFoundException", "GetLogGroupFields", new GetLogGroupFieldsRequest { LogGroupName = "/nope" });
    }

    [Fact]
    public async Task Deleted_streams_and_expired_events_are_not_queried()
    {
        await _h.CallAsync("DeleteLogStream", new DeleteLogStreamRequest { LogGroupName = "/app", LogStreamName = "worker" });
        var r = await RunAsync(new StartQueryRequest { LogGroupName = "/app", QueryString = "stats count(*) as n" });
        Rows(r, "n").ShouldBe([["4"]]);
        await _h.CallAsync("PutRetentionPolicy", new PutRetentionPolicyRequest { LogGroupName = "/app", RetentionInDays = 1 });
        _h.Clock.Now = T0.AddDays(1).AddMinutes(-26);
        var later = await RunAsync(new StartQueryRequest { LogGroupName = "/app", StartTime = From, EndTime = Seconds(Now + (2 * Day)), QueryString = "fields @message" });
        Rows(later, "@message").ShouldBe([[M5]]);
    }

    [Fact]
    public async Task Query_definitions_are_saved_listed_replaced_and_deleted_durably()
    {
        var id = (await _h.CallAsync<PutQueryDefinitionResponse>("PutQueryDefinition", new PutQueryDefinitionRequest
        {
            Name = "errors/by-level",
            QueryString = "stats count(*) by level",
            LogGroupNames = ["/app"],
        })).QueryDefinitionId!;
        await _h.CallAsync("PutQueryDefinition", new PutQueryDefinitionRequest { Name = "latency", QueryString = "fields latency_ms" });
        var all = (await _h.CallAsync<DescribeQueryDefinitionsResponse>("DescribeQueryDefinitions", new DescribeQueryDefinitionsRequest())).QueryDefinitions!;
        all.Select(d => d.Name).ShouldBe(["errors/by-level", "latency"]);
        all[0].QueryDefinitionId.ShouldBe(id);
        all[0].LogGroupNames.ShouldBe(["/app"]);
        all[0].LastModified.ShouldBe(Now);
        all[0].QueryLanguage.ShouldBe("CWLI");

        await _h.CallAsync("PutQueryDefinition", new PutQueryDefinitionRequest { QueryDefinitionId = id, Name = "errors/renamed", QueryString = "fields @message" });
        var renamed = (await _h.CallAsync<DescribeQueryDefinitionsResponse>("DescribeQueryDefinitions", new DescribeQueryDefinitionsRequest { QueryDefinitionNamePrefix = "errors/" })).QueryDefinitions!.ShouldHaveSingleItem();
        renamed.Name.ShouldBe("errors/renamed");
        renamed.LogGroupNames.ShouldBeNull();
        (await _h.CallAsync<DescribeQueryDefinitionsResponse>("DescribeQueryDefinitions", new DescribeQueryDefinitionsRequest(), OtherAccount)).QueryDefinitions.ShouldBeEmpty();
        await _h.FailsAsync("ResourceNotFoundException", "PutQueryDefinition", new PutQueryDefinitionRequest { QueryDefinitionId = id, Name = "x", QueryString = "fields @message" }, OtherAccount);

        var page = await _h.CallAsync<DescribeQueryDefinitionsResponse>("DescribeQueryDefinitions", new DescribeQueryDefinitionsRequest { MaxResults = 1 });
        page.QueryDefinitions!.Single().Name.ShouldBe("errors/renamed");
        (await _h.CallAsync<DescribeQueryDefinitionsResponse>("DescribeQueryDefinitions", new DescribeQueryDefinitionsRequest { MaxResults = 1, NextToken = page.NextToken }))
            .QueryDefinitions!.Single().Name.ShouldBe("latency");

        // A fresh store over the same directory, as after a restart.
        new QueryDefinitionStore(_h.Store.DataDirectory, SyncMode.None).List(Account, Region).Select(d => d.Name).ShouldBe(["errors/renamed", "latency"]);

        (await _h.CallAsync<DeleteQueryDefinitionResponse>("DeleteQueryDefinition", new DeleteQueryDefinitionRequest { QueryDefinitionId = id })).Success.ShouldBe(true);
        await _h.FailsAsync("ResourceNotFoundException", "DeleteQueryDefinition", new DeleteQueryDefinitionRequest { QueryDefinitionId = id });
        new QueryDefinitionStore(_h.Store.DataDirectory, SyncMode.None).List(Account, Region).Select(d => d.Name).ShouldBe(["latency"]);
    }
}
