using System.Diagnostics;
using System.Text.RegularExpressions;
using Vigil.Audit.Engine;
using Vigil.Host.Tests.TestSupport;

namespace Vigil.Host.Tests.Serve;

/// <summary>
/// The durability promise end to end: `vigil serve` is killed with SIGKILL while clients are calling it; after a
/// restart, every call the server acknowledged has its audit record.
/// </summary>
public sealed partial class CrashSafetyTests
{
    /// <summary>
    /// The audit log seals every second here, so the kill lands after some seals (maybe during one): events sealed in
    /// blocks, events in a WAL not yet truncated and events only in the WAL must all come back, each once.
    /// </summary>
    [Fact]
    public async Task Every_acknowledged_call_is_audited_once_after_SIGKILL_across_seals_and_restart()
    {
        using var dir = new TempDir();
        var credentials = Credentials.Write(dir);
        var data = dir.File("data");
        var blocks = Path.Combine(data, "audit", "blocks");
        var sealEverySecond = new Dictionary<string, string> { ["VIGIL_AUDIT_SEAL_SECONDS"] = "1" };

        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<string>();
        using (var server = await ServerProcess.StartAsync(data, credentials, sealEverySecond))
        {
            using var client = new SignedClient(server.Endpoint, Credentials.AliceKey, Credentials.AliceSecret);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 16).Select(_ => Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var (status, id, _) = await client.GetCallerIdentityAsync(stop.Token);
                        if (status == 200 && id is not null)
                        {
                            acknowledged.Add(id);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                    {
                        // The kill cuts calls off mid-flight; those were never acknowledged.
                        if (stop.IsCancellationRequested || !server.IsRunning)
                        {
                            return;
                        }
                    }
                }
            })).ToArray();

            // Let the writers run until well into the load and past a seal or two, then kill without warning.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((acknowledged.Count < 2000 || SealedBlocks(blocks) < 2) && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20);
            }
            SealedBlocks(blocks).ShouldBeGreaterThanOrEqualTo(1, "no seal happened under load");
            await Task.Delay(Random.Shared.Next(0, 1000)); // anywhere in the seal cycle
            server.Kill();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }
        acknowledged.Count.ShouldBeGreaterThan(100);

        // Restart: recovery must succeed and the server must serve again.
        using (var server = await ServerProcess.StartAsync(data, credentials, sealEverySecond))
        {
            using var client = new SignedClient(server.Endpoint, Credentials.AliceKey, Credentials.AliceSecret);
            var (status, id, body) = await client.GetCallerIdentityAsync();
            status.ShouldBe(200);
            body.ShouldContain("<Account>111111111111</Account>");
            acknowledged.Add(id!);
            await server.StopGracefullyAsync();
        }

        await using var audit = AuditLog.Open(data);
        var events = audit.ReadAll().Select(r => r.Decode()).ToList();
        var recorded = events.Select(e => e.RequestId).ToHashSet(StringComparer.Ordinal);
        var missing = acknowledged.Where(id => !recorded.Contains(id)).ToList();
        missing.ShouldBeEmpty($"{missing.Count} of {acknowledged.Count} acknowledged calls have no audit record");
        recorded.Count.ShouldBe(events.Count, "an audit event was read twice");
        events.ShouldAllBe(e => e.EventName == "GetCallerIdentity" && e.AccountId == "111111111111");
        audit.Blocks.Count.ShouldBeGreaterThanOrEqualTo(2);
    }

    private static int SealedBlocks(string directory) =>
        Directory.Exists(directory) ? Directory.EnumerateFiles(directory, "*.ablk").Count() : 0;

    /// <summary>
    /// Metric datapoints the server acknowledged (PutMetricData over JSON 1.0, the fast path) are all there after
    /// SIGKILL and restart, and the restarted server serves them through GetMetricStatistics.
    /// </summary>
    [Fact]
    public async Task Every_acknowledged_datapoint_survives_SIGKILL_and_restart()
    {
        using var dir = new TempDir();
        var credentials = Credentials.Write(dir);
        var data = dir.File("data");
        var acknowledged = new System.Collections.Concurrent.ConcurrentDictionary<string, System.Collections.Concurrent.ConcurrentBag<int>>();
        var at = DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeSeconds() / 60 * 60;
        using (var server = await ServerProcess.StartAsync(data, credentials))
        {
            using var client = new SignedClient(server.Endpoint, Credentials.AliceKey, Credentials.AliceSecret);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                var metric = $"W{w}";
                var values = acknowledged.GetOrAdd(metric, _ => []);
                for (var n = 1; !stop.IsCancellationRequested; n++)
                {
                    // Each call: the value n as one datum, plus a new series per call so definitions race too.
                    var json = $$"""{"Namespace":"Crash","MetricData":[{"MetricName":"{{metric}}","Timestamp":{{at}},"Value":{{n}}},{"MetricName":"{{metric}}-{{n}}","Timestamp":{{at}},"Value":1}]}""";
                    try
                    {
                        var (status, _, body) = await client.JsonAsync("monitoring", "GraniteServiceVersion20100801.PutMetricData", json, stop.Token);
                        status.ShouldBe(200, body);
                        values.Add(n);
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
            var start = DateTimeOffset.FromUnixTimeSeconds(at).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            var end = DateTimeOffset.FromUnixTimeSeconds(at + 60).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
            var (status, _, body) = await client.QueryAsync("monitoring",
                $"Action=GetMetricStatistics&Version=2010-08-01&Namespace=Crash&MetricName=W0&StartTime={start}&EndTime={end}&Period=60&Statistics.member.1=SampleCount");
            status.ShouldBe(200, body);
            body.ShouldContain("<SampleCount>");
            await server.StopGracefullyAsync();
        }

        await using var store = Vigil.Metrics.Engine.MetricStore.Open(new Vigil.Metrics.Engine.MetricStoreOptions
        {
            Directory = Path.Combine(data, "metrics"),
            BackgroundCheckpoints = false,
        });
        var names = store.Catalog.Metrics("111111111111", "us-east-1", "Crash").Select(m => m.Key.MetricName).ToHashSet(StringComparer.Ordinal);
        foreach (var (metric, values) in acknowledged)
        {
            var series = store.Catalog.Metrics("111111111111", "us-east-1", "Crash").Single(m => m.Key.MetricName == metric).Value.Single();
            var samples = new Vigil.Metrics.Engine.SampleBuffer();
            store.Read(series.Id, long.MinValue, long.MaxValue, samples);
            var stored = samples.Values.ToArray().Select(v => (int)v).ToHashSet();
            var missing = values.Where(v => !stored.Contains(v)).ToList();
            missing.ShouldBeEmpty($"{metric}: {missing.Count} of {values.Count} acknowledged datapoints are missing");
            values.Where(n => !names.Contains($"{metric}-{n}")).ShouldBeEmpty($"{metric}: series created by acknowledged calls are missing");
        }
    }

    /// <summary>`vigil serve` as a child process on a free port.</summary>
    private sealed partial class ServerProcess : IDisposable
    {
        private readonly Process _process;

        private ServerProcess(Process process, string endpoint)
        {
            _process = process;
            Endpoint = endpoint;
        }

        public string Endpoint { get; }
        public bool IsRunning => !_process.HasExited;

        public static async Task<ServerProcess> StartAsync(string dataDir, string credentials, IReadOnlyDictionary<string, string>? environment = null)
        {
            var dll = Path.Combine(AppContext.BaseDirectory, "vigil.dll");
            var psi = new ProcessStartInfo("dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            {
                psi.Environment[name] = value;
            }
            foreach (var a in new[] { dll, "serve", "--port", "0", "--data-dir", dataDir, "--credentials", credentials })
            {
                psi.ArgumentList.Add(a);
            }
            var process = Process.Start(psi)!;
            var endpoint = new TaskCompletionSource<string>();
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not null && ListeningLine().Match(e.Data) is { Success: true } m)
                {
                    endpoint.TrySetResult(m.Groups[1].Value);
                }
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var done = await Task.WhenAny(endpoint.Task, Task.Delay(TimeSpan.FromSeconds(60)));
            if (done != endpoint.Task)
            {
                process.Kill();
                throw new TimeoutException("vigil serve did not report its endpoint within 60 s");
            }
            return new ServerProcess(process, endpoint.Task.Result);
        }

        /// <summary>SIGKILL: no shutdown code runs.</summary>
        public void Kill()
        {
            _process.Kill();
            _process.WaitForExit();
        }

        /// <summary>SIGTERM, as a service manager stops it; the server drains and fsyncs.</summary>
        public async Task StopGracefullyAsync()
        {
            Syscall.Kill(_process.Id, 15).ShouldBe(0);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(timeout.Token);
            _process.ExitCode.ShouldBe(0);
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
            }
            _process.Dispose();
        }

        [GeneratedRegex(@"listening on (http://\S+)")]
        private static partial Regex ListeningLine();
    }

    private static partial class Syscall
    {
        [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
        public static partial int Kill(int pid, int signal);
    }
}
