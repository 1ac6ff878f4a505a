using System.Text.Json;
using Vigil.Compat.Tests.TestSupport;
using Vigil.Logs.Engine.Catalog;

namespace Vigil.Compat.Tests.Logs;

/// <summary>
/// StartLiveTail through boto3 and the JS SDK: the event stream is parsed by the SDKs' own decoders, with their
/// "stream-" host prefix on (the prefixed host resolved to loopback inside the client) and off (the documented
/// client settings). Events are appended to the server's log store once the session is subscribed — the path
/// PutLogEvents takes — and reach the session through the store's acknowledgement hook.
/// </summary>
[Collection(CompatCollection.Name)]
public sealed class LiveTailSdkTests(CompatServer server, ITestOutputHelper output)
{
    private static readonly TimeSpan SubscribeTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [ClientData(CompatClient.Boto3Json, true)]
    [ClientData(CompatClient.Boto3Json, false)]
    [ClientData(CompatClient.JsSdkV3, true)]
    [ClientData(CompatClient.JsSdkV3, false)]
    public async Task LiveTail_session_receives_events_written_after_it_starts(CompatClient client, bool hostPrefix)
    {
        var id = Guid.NewGuid().ToString("N")[..12];
        var group = $"/compat/livetail-{id}";
        var arn = $"arn:aws:logs:{CompatServer.Region}:{CompatServer.Alice.AccountId}:log-group:{group}";
        var hub = server.Server.LiveTail;
        var logs = server.Server.Logs;
        var key = new LogGroupKey(CompatServer.Alice.AccountId, CompatServer.Region, group);
        await logs.CreateLogGroupAsync(key, null, null, false, null);
        foreach (var stream in new[] { "api-1", "api-2", "worker-1" })
        {
            await logs.CreateLogStreamAsync(key, stream);
        }

        var before = hub.SubscriberCount;

        var run = Run(client, hostPrefix, new { logGroupIdentifiers = new[] { arn }, logStreamNamePrefixes = new[] { "api-" }, logEventFilterPattern = "ERROR" },
            until: $"done-{id}");
        await WaitForSubscriber(hub, before, run);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var first = await logs.AppendAsync(key, "api-1", [(now - 5, $"ERROR boom-{id}"), (now - 4, "INFO ignored")]);
        await logs.AppendAsync(key, "worker-1", [(now - 3, $"ERROR other stream-{id}")]);
        await logs.AppendAsync(key, "api-2", [(now - 2, $"ERROR done-{id}")]);

        using var outcome = ScriptOutcome.From(await run);
        output.WriteLine(outcome.ToString());
        outcome.Ok.ShouldBeTrue(outcome.ToString());
        var root = outcome.Root;
        var host = client == CompatClient.JsSdkV3 ? root.GetProperty("wire").GetProperty("host").GetString() : root.GetProperty("host").GetString();
        (host!.StartsWith("stream-", StringComparison.Ordinal)).ShouldBe(hostPrefix, host);

        var events = (client == CompatClient.JsSdkV3 ? root.GetProperty("result") : root).GetProperty("events").EnumerateArray().ToList();
        var start = events[0].GetProperty("sessionStart");
        start.GetProperty("sessionId").GetString().ShouldNotBeNullOrEmpty();
        start.GetProperty("requestId").GetString().ShouldNotBeNullOrEmpty();
        start.GetProperty("logGroupIdentifiers")[0].GetString().ShouldBe(arn);
        start.GetProperty("logStreamNamePrefixes")[0].GetString().ShouldBe("api-");
        start.GetProperty("logEventFilterPattern").GetString().ShouldBe("ERROR");

        var results = events.Skip(1)
            .SelectMany(e => e.GetProperty("sessionUpdate").GetProperty("sessionResults").EnumerateArray())
            .ToList();
        results.Select(r => r.GetProperty("message").GetString()).ShouldBe([$"ERROR boom-{id}", $"ERROR done-{id}"]);
        results[0].GetProperty("logGroupIdentifier").GetString().ShouldBe($"{CompatServer.Alice.AccountId}:{group}");
        results[0].GetProperty("logStreamName").GetString().ShouldBe("api-1");
        results[0].GetProperty("timestamp").GetInt64().ShouldBe(now - 5);
        results[0].GetProperty("ingestionTime").GetInt64().ShouldBe(first.IngestionTime);
        events.Skip(1).ShouldAllBe(e => e.GetProperty("sessionUpdate").GetProperty("sessionMetadata").GetProperty("sampled").GetBoolean() == false);

        // Closing the stream ends the session on the server too.
        await WaitUntil(() => hub.SubscriberCount == before, "the session's subscription was not released after the client closed the stream");
    }

    [Theory]
    [ClientData(CompatClient.Boto3Json)]
    [ClientData(CompatClient.JsSdkV3)]
    public async Task A_log_group_name_instead_of_an_ARN_is_InvalidParameterException(CompatClient client)
    {
        using var outcome = ScriptOutcome.From(await Run(client, hostPrefix: false, new { logGroupIdentifiers = new[] { "just-a-name" } }, until: "never"));
        output.WriteLine(outcome.ToString());
        outcome.Ok.ShouldBeFalse(outcome.ToString());
        var code = client == CompatClient.JsSdkV3 ? outcome.Text("name") : outcome.Text("code");
        code.ShouldBe("InvalidParameterException");
    }

    private Task<ProcessResult> Run(CompatClient client, bool hostPrefix, object parameters, string until)
    {
        var install = Clients.Get(client);
        var json = JsonSerializer.Serialize(parameters);
        if (client == CompatClient.JsSdkV3)
        {
            var dir = install.Directory!;
            string[] args = [Path.Combine(dir, "compat.mjs"), "logs", "StartLiveTail", "--params", json, "--stream-until", until, "--seconds", "30"];
            return server.RunAsync(install.RequireProgram(), hostPrefix ? args : [.. args, "--no-host-prefix"], CompatServer.Alice, dir);
        }
        var script = Path.Combine(Clients.ScriptsDirectory, "boto3_stream.py");
        return server.RunAsync(install.RequireProgram(),
            [script, "logs", "start_live_tail", "--params", json, "--until", until, "--seconds", "30", "--host-prefix", hostPrefix ? "on" : "off"], CompatServer.Alice);
    }

    private static async Task WaitForSubscriber(Vigil.Logs.LiveTail.LiveTailHub hub, int before, Task<ProcessResult> run)
    {
        var deadline = DateTime.UtcNow + SubscribeTimeout;
        while (hub.SubscriberCount <= before)
        {
            if (run.IsCompleted)
            {
                throw new InvalidOperationException($"The client ended before its session started:\n{await run}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("No Live Tail session subscribed.");
            }
            await Task.Delay(50);
        }
    }

    private static async Task WaitUntil(Func<bool> condition, string failure)
    {
        for (var i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }
        condition().ShouldBeTrue(failure);
    }
}
