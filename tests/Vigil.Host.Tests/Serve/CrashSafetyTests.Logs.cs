using Vigil.Host.Tests.TestSupport;
using Vigil.Logs.Engine;
using Vigil.Logs.Engine.Catalog;

namespace Vigil.Host.Tests.Serve;

public sealed partial class CrashSafetyTests
{
    private const string LogsTarget = "Logs_20140328.";

    /// <summary>
    /// Log events and log streams the server acknowledged (PutLogEvents, CreateLogStream over JSON 1.1) are all there
    /// after SIGKILL and restart, and the restarted server serves them through GetLogEvents.
    /// </summary>
    [Fact]
    public async Task Every_acknowledged_log_event_and_stream_survives_SIGKILL_and_restart()
    {
        using var dir = new TempDir();
        var credentials = Credentials.Write(dir);
        var data = dir.File("data");
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<int, System.Collections.Concurrent.ConcurrentBag<int>>();
        var streams = new System.Collections.Concurrent.ConcurrentBag<string>();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        using (var server = await ServerProcess.StartAsync(data, credentials))
        {
            using var client = new SignedClient(server.Endpoint, Credentials.AliceKey, Credentials.AliceSecret);
            (await client.Json11Async("logs", LogsTarget + "CreateLogGroup", """{"logGroupName":"/crash"}""")).Status.ShouldBe(200);
            for (var w = 0; w < 8; w++)
            {
                (await client.Json11Async("logs", LogsTarget + "CreateLogStream", $$"""{"logGroupName":"/crash","logStreamName":"w{{w}}"}""")).Status.ShouldBe(200);
            }

            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                var values = acknowledged.GetOrAdd(w, _ => []);
                for (var n = 1; !stop.IsCancellationRequested; n++)
                {
                    try
                    {
                        // Every call: two events; every fifth call also a new stream, so catalogue changes race too.
                        var json = $$"""{"logGroupName":"/crash","logStreamName":"w{{w}}","logEvents":[{"timestamp":{{now}},"message":"w{{w}} {{n}} a"},{"timestamp":{{now + 1}},"message":"w{{w}} {{n}} b"}]}""";
                        var (status, _, body) = await client.Json11Async("logs", LogsTarget + "PutLogEvents", json, stop.Token);
                        status.ShouldBe(200, body);
                        values.Add(n);
                        if (n % 5 == 0)
                        {
                            var name = $"w{w}-{n}";
                            (status, _, body) = await client.Json11Async("logs", LogsTarget + "CreateLogStream", $$"""{"logGroupName":"/crash","logStreamName":"{{name}}"}""", stop.Token);
                            status.ShouldBe(200, body);
                            streams.Add(name);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        if (stop.IsCancellationRequested || !server.IsRunning)
                        {
                            return;
                        }
                    }
                }
            })).ToArray();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (acknowledged.Values.Sum(v => v.Count) < 1500 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }

            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        acknowledged.Values.Sum(v => v.Count).ShouldBeGreaterThan(100);
        using (var server = await ServerProcess.StartAsync(data, credentials))
        {
            using var client = new SignedClient(server.Endpoint, Credentials.AliceKey, Credentials.AliceSecret);
            var (status, _, body) = await client.Json11Async("logs", LogsTarget + "GetLogEvents", """{"logGroupName":"/crash","logStreamName":"w0","startFromHead":true,"limit":2}""");
            status.ShouldBe(200, body);
            body.ShouldContain("\"w0 1 a\"");
            await server.StopGracefullyAsync();
        }

        await using var store = LogStore.Open(new LogStoreOptions { Directory = Path.Combine(data, "logs"), BackgroundWork = false });
        var key = new LogGroupKey("111111111111", "us-east-1", "/crash");
        var stored = store.Scan(new LogScan { Group = key, Limit = 1_000_000, MaxBytes = long.MaxValue }).Events.Select(e => e.Message).ToHashSet(StringComparer.Ordinal);
        foreach (var (w, values) in acknowledged)
        {
            var missing = values.Where(n => !stored.Contains($"w{w} {n} a") || !stored.Contains($"w{w} {n} b")).ToList();
            missing.ShouldBeEmpty($"w{w}: {missing.Count} of {values.Count} acknowledged batches are missing or torn");
        }

        var names = store.ListLogStreams(key).Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        streams.Where(s => !names.Contains(s)).ShouldBeEmpty("streams created by acknowledged calls are missing");
    }
}
