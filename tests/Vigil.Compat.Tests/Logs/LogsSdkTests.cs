using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Compat.Tests.TestSupport;

namespace Vigil.Compat.Tests.Logs;

/// <summary>
/// CloudWatch Logs (awsJson 1.1) through boto3 1.43, Debian's boto3 1.26 and the JS SDK v3: groups and streams with
/// their statistics, events put and read back both ways, a filter across two streams, retention, tags, errors as
/// the SDKs' typed exceptions, and per-account isolation. Each row uses its own group names.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed partial class LogsSdkTests(CompatServer server, ITestOutputHelper output)
{
    /// <summary>Ten minutes ago on a whole second: well inside PutLogEvents' window, clear of "now".</summary>
    private static long Start() => (DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeMilliseconds() / 1000) * 1000;

    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.Boto3Query)]
    [ClientData(CompatClient.JsSdkV3)]
    public async Task Groups_streams_events_filters_retention_and_tags(CompatClient client)
    {
        var group = $"/compat/{client}-{Guid.NewGuid():N}"[..40];
        var t = Start();
        (await Call(client, "CreateLogGroup", new { logGroupName = group, tags = new Dictionary<string, string> { ["env"] = "compat" } })).Dispose();
        foreach (var stream in new[] { "web-1", "web-2" })
        {
            using var created = await Call(client, "CreateLogStream", new { logGroupName = group, logStreamName = stream });
            created.Ok.ShouldBeTrue(created.ToString());
        }

        using (var put = await Call(client, "PutLogEvents", new
        {
            logGroupName = group,
            logStreamName = "web-1",
            logEvents = new[] { Event(t, "INFO start"), Event(t + 2000, "ERROR disk full"), Event(t + 4000, "INFO done") },
        }))
        {
            put.Ok.ShouldBeTrue(put.ToString());
            put.Text("result.nextSequenceToken")!.Length.ShouldBe(56, put.ToString());
            put.Root.GetProperty("result").TryGetProperty("rejectedLogEventsInfo", out _).ShouldBeFalse(put.ToString());
        }

        using (var put = await Call(client, "PutLogEvents", new
        {
            logGroupName = group,
            logStreamName = "web-2",
            logEvents = new[] { Event(t + 1000, "ERROR timeout"), Event(t + 3000, "WARN slow"), Event(DateTimeOffset.UtcNow.AddHours(3).ToUnixTimeMilliseconds(), "ERROR from the future") },
        }))
        {
            put.Ok.ShouldBeTrue(put.ToString());
            put.Text("result.rejectedLogEventsInfo.tooNewLogEventStartIndex").ShouldBe("2", put.ToString());
        }

        // Forward from the head, two at a time, until the token repeats.
        var forward = new List<string>();
        string? token = null;
        for (var pages = 0; ; pages++)
        {
            pages.ShouldBeLessThan(4);
            using var page = await Call(client, "GetLogEvents", new { logGroupName = group, logStreamName = "web-1", startFromHead = true, limit = 2, nextToken = token });
            page.Ok.ShouldBeTrue(page.ToString());
            forward.AddRange(Messages(page));
            var next = page.Text("result.nextForwardToken");
            next!.ShouldMatch("^f/[0-9]{56}/s$");
            if (next == token)
            {
                Messages(page).ShouldBeEmpty();
                break;
            }

            token = next;
        }

        forward.ShouldBe(["INFO start", "ERROR disk full", "INFO done"]);

        // Newest first by default, then back.
        using (var newest = await Call(client, "GetLogEvents", new { logGroupName = group, logStreamName = "web-1", limit = 2 }))
        {
            Messages(newest).ShouldBe(["ERROR disk full", "INFO done"]);
            newest.Root.GetProperty("result").GetProperty("events")[0].GetProperty("timestamp").GetInt64().ShouldBe(t + 2000);
            using var back = await Call(client, "GetLogEvents", new { logGroupName = group, logStreamName = "web-1", limit = 2, nextToken = newest.Text("result.nextBackwardToken") });
            Messages(back).ShouldBe(["INFO start"]);
        }

        using (var filtered = await Call(client, "FilterLogEvents", new { logGroupName = group, filterPattern = "ERROR", interleaved = true }))
        {
            filtered.Ok.ShouldBeTrue(filtered.ToString());
            var events = filtered.Root.GetProperty("result").GetProperty("events").EnumerateArray().ToList();
            events.Select(e => e.GetProperty("message").GetString()).ShouldBe(["ERROR timeout", "ERROR disk full"], filtered.ToString());
            events.Select(e => e.GetProperty("logStreamName").GetString()).ShouldBe(["web-2", "web-1"]);
            events.ShouldAllBe(e => e.GetProperty("eventId").GetString()!.Length == 56);
            filtered.Root.GetProperty("result").TryGetProperty("nextToken", out _).ShouldBeFalse();
        }

        using (var streams = await Call(client, "DescribeLogStreams", new { logGroupName = group, orderBy = "LastEventTime", descending = true }))
        {
            var list = streams.Root.GetProperty("result").GetProperty("logStreams").EnumerateArray().ToList();
            list.Select(s => s.GetProperty("logStreamName").GetString()).ShouldBe(["web-1", "web-2"], streams.ToString());
            list[0].GetProperty("firstEventTimestamp").GetInt64().ShouldBe(t);
            list[0].GetProperty("lastEventTimestamp").GetInt64().ShouldBe(t + 4000);
            list[1].GetProperty("lastEventTimestamp").GetInt64().ShouldBe(t + 3000);
            list[0].GetProperty("arn").GetString().ShouldBe($"arn:aws:logs:{CompatServer.Region}:{CompatServer.Alice.AccountId}:log-group:{group}:log-stream:web-1");
        }

        (await Call(client, "PutRetentionPolicy", new { logGroupName = group, retentionInDays = 7 })).Dispose();
        using (var groups = await Call(client, "DescribeLogGroups", new { logGroupNamePrefix = group }))
        {
            var g = groups.Root.GetProperty("result").GetProperty("logGroups").EnumerateArray().ShouldHaveSingleItem(groups.ToString());
            g.GetProperty("retentionInDays").GetInt32().ShouldBe(7);
            g.GetProperty("metricFilterCount").GetInt32().ShouldBe(0);
            g.GetProperty("arn").GetString().ShouldBe($"arn:aws:logs:{CompatServer.Region}:{CompatServer.Alice.AccountId}:log-group:{group}:*");
            // 56 message bytes plus 26 each while in the head (checked exactly by the API tests); a background
            // checkpoint may already have sealed them into a block, which counts its size on disk instead.
            g.GetProperty("storedBytes").GetInt64().ShouldBeGreaterThan(0);
        }

        var arn = $"arn:aws:logs:{CompatServer.Region}:{CompatServer.Alice.AccountId}:log-group:{group}";
        (await Call(client, "TagResource", new { resourceArn = arn, tags = new Dictionary<string, string> { ["team"] = "core" } })).Dispose();
        (await Call(client, "UntagResource", new { resourceArn = arn, tagKeys = new[] { "env" } })).Dispose();
        using (var tags = await Call(client, "ListTagsForResource", new { resourceArn = arn }))
        {
            tags.Root.GetProperty("result").GetProperty("tags").EnumerateObject().Select(p => $"{p.Name}={p.Value.GetString()}").ShouldBe(["team=core"], tags.ToString());
        }
    }

    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.Boto3Query)]
    [ClientData(CompatClient.JsSdkV3)]
    public async Task Errors_are_the_sdks_typed_exceptions_and_accounts_are_isolated(CompatClient client)
    {
        var group = $"/compat/{client}-{Guid.NewGuid():N}"[..40];
        (await Call(client, "CreateLogGroup", new { logGroupName = group })).Dispose();
        (await Call(client, "CreateLogStream", new { logGroupName = group, logStreamName = "s" })).Dispose();

        using (var again = await Call(client, "CreateLogGroup", new { logGroupName = group }))
        {
            ShouldBeError(client, again, "ResourceAlreadyExistsException");
        }

        using (var missing = await Call(client, "DescribeLogStreams", new { logGroupName = group + "-none" }))
        {
            ShouldBeError(client, missing, "ResourceNotFoundException");
        }

        using (var retention = await Call(client, "PutRetentionPolicy", new { logGroupName = group, retentionInDays = 2 }))
        {
            ShouldBeError(client, retention, "InvalidParameterException");
        }

        using (var order = await Call(client, "PutLogEvents", new { logGroupName = group, logStreamName = "s", logEvents = new[] { Event(Start() + 1, "b"), Event(Start(), "a") } }))
        {
            ShouldBeError(client, order, "InvalidParameterException");
            order.Text("message").ShouldBe("Log events in a single PutLogEvents request must be in chronological order.");
        }

        // Bob's account has no such group, and may make its own of the same name.
        using (var bobList = await Call(client, "DescribeLogGroups", new { logGroupNamePrefix = group }, CompatServer.Bob))
        {
            bobList.Root.GetProperty("result").GetProperty("logGroups").GetArrayLength().ShouldBe(0, bobList.ToString());
        }

        using (var bobRead = await Call(client, "GetLogEvents", new { logGroupName = group, logStreamName = "s" }, CompatServer.Bob))
        {
            ShouldBeError(client, bobRead, "ResourceNotFoundException");
        }

        using (var bobCreate = await Call(client, "CreateLogGroup", new { logGroupName = group }, CompatServer.Bob))
        {
            bobCreate.Ok.ShouldBeTrue(bobCreate.ToString());
        }
    }

    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.JsSdkV3)]
    public async Task Retention_hides_expired_events(CompatClient client)
    {
        var group = $"/compat/{client}-{Guid.NewGuid():N}"[..40];
        var threeDaysAgo = DateTimeOffset.UtcNow.AddDays(-3).ToUnixTimeMilliseconds();
        (await Call(client, "CreateLogGroup", new { logGroupName = group })).Dispose();
        (await Call(client, "CreateLogStream", new { logGroupName = group, logStreamName = "s" })).Dispose();
        (await Call(client, "PutLogEvents", new { logGroupName = group, logStreamName = "s", logEvents = new[] { Event(threeDaysAgo, "old 1"), Event(threeDaysAgo + 1, "old 2") } })).Dispose();
        using (var before = await Call(client, "GetLogEvents", new { logGroupName = group, logStreamName = "s" }))
        {
            Messages(before).ShouldBe(["old 1", "old 2"]);
        }

        (await Call(client, "PutRetentionPolicy", new { logGroupName = group, retentionInDays = 1 })).Dispose();
        using (var get = await Call(client, "GetLogEvents", new { logGroupName = group, logStreamName = "s" }))
        {
            get.Ok.ShouldBeTrue(get.ToString());
            Messages(get).ShouldBeEmpty();
        }

        using var filter = await Call(client, "FilterLogEvents", new { logGroupName = group });
        filter.Ok.ShouldBeTrue(filter.ToString());
        filter.Root.GetProperty("result").GetProperty("events").GetArrayLength().ShouldBe(0);
    }

    private static object Event(long timestamp, string message) => new { timestamp, message };

    private static List<string> Messages(ScriptOutcome r) =>
        [.. r.Root.GetProperty("result").GetProperty("events").EnumerateArray().Select(e => e.GetProperty("message").GetString()!)];

    /// <summary>The SDK raised the modelled exception class (boto3: client.exceptions.X; JS: X) with Logs' code.</summary>
    private static void ShouldBeError(CompatClient client, ScriptOutcome r, string code)
    {
        r.Ok.ShouldBeFalse(r.ToString());
        if (client == CompatClient.JsSdkV3)
        {
            r.Text("name").ShouldBe(code, r.ToString());
            r.Text("errorClass").ShouldBe(code, r.ToString());
            r.Text("httpStatusCode").ShouldBe("400", r.ToString());
        }
        else
        {
            r.Text("code").ShouldBe(code, r.ToString());
            r.Text("exception_class").ShouldBe(code, r.ToString());
            r.Text("http_status").ShouldBe("400", r.ToString());
        }

        r.Text("message").ShouldNotBeNullOrWhiteSpace(r.ToString());
    }

    private async Task<ScriptOutcome> Call(CompatClient client, string operation, object parameters, TestIdentity? identity = null)
    {
        var install = Clients.Get(client);
        var json = JsonSerializer.Serialize(parameters, new JsonSerializerOptions { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
        ProcessResult run;
        if (client == CompatClient.JsSdkV3)
        {
            var dir = install.Directory!;
            run = await server.RunAsync(install.RequireProgram(), [Path.Combine(dir, "compat.mjs"), "logs", operation, "--params", json], identity ?? CompatServer.Alice, dir);
        }
        else
        {
            var script = Path.Combine(Clients.ScriptsDirectory, "boto3_compat.py");
            run = await server.RunAsync(install.RequireProgram(), [script, "logs", SnakeCase(operation), "--params", json], identity ?? CompatServer.Alice);
        }

        output.WriteLine($"{client} {operation}: {install.Version}\n{run}");
        var outcome = ScriptOutcome.From(run);
        (outcome.Text("wire.content_type") ?? "").ShouldStartWith("application/x-amz-json-1.1", Case.Sensitive, run.ToString());
        return outcome;
    }

    private static string SnakeCase(string operation) => UpperBoundary().Replace(operation, "_$1").ToLowerInvariant();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex UpperBoundary();
}
