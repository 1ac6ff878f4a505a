using System.Diagnostics;
using System.Globalization;
using Vigil.Audit.Engine;
using Vigil.Audit.Model;
using Vigil.Protocol.Gateway;
using Vigil.Storage.IO;

namespace Vigil.Bench;

/// <summary>
/// audit-seal: N generated audit events (CloudTrail-shaped, the mix of users, operations, agents and errors a busy
/// endpoint sees) appended by W writers into an <see cref="AuditLog"/> under DIR/audit (fsync), with the background
/// sealer on or off; then one timed seal of everything unsealed, bytes on disk per event (blocks vs the WAL's JSON),
/// and a newest-50 read over the last hour, cold (reopened) and warm.
/// </summary>
internal static class AuditSeal
{
    private static readonly string[] Operations =
    [
        "monitoring|PutMetricData|false", "monitoring|GetMetricData|true", "monitoring|ListMetrics|true", "monitoring|DescribeAlarms|true",
        "logs|PutLogEvents|false", "logs|FilterLogEvents|true", "logs|CreateLogStream|false", "logs|DescribeLogGroups|true",
        "sts|GetCallerIdentity|true", "events|PutEvents|false", "xray|PutTraceSegments|false", "logs|StartQuery|true",
    ];

    private static readonly string[] Agents =
    [
        "aws-cli/2.9.19 Python/3.11.2 Linux/6.1.0-18-amd64 source/x86_64.debian.12 prompt/off command/cloudwatch.put-metric-data",
        "Boto3/1.26.27 md/Botocore#1.29.27 ua/2.0 os/linux#6.1.0 md/arch#x86_64 lang/python#3.11.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.29.27",
        "aws-sdk-js/3.1169.0 ua/2.1 os/linux#6.1.0 lang/js md/nodejs#20.19.2 api/cloudwatch-logs#3.1169.0 m/E,N",
        "CWAgent/1.300050.0 (go1.22.7; linux; amd64) inputs:(cpu disk mem) outputs:(cloudwatch cloudwatchlogs)",
    ];

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var dir = Path.Combine(args.Get("data"), "audit");
        var count = args.GetInt("events", 200_000);
        var writers = args.GetInt("writers", 16);
        var background = args.Get("background", "on") == "on";
        var quality = args.GetInt("quality", 5);
        var chunkBytes = args.GetInt("chunk-kib", 1024) * 1024;
        AuditLogOptions Options(bool backgroundWork) => new()
        {
            Directory = dir,
            Sync = SyncMode.Fsync,
            BackgroundWork = backgroundWork,
            SealOnDispose = false,
            CompressionQuality = quality,
            ChunkBytes = chunkBytes,
        };
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any())
        {
            throw new ArgumentException($"{dir} is not empty; every run starts from an empty log (remove it first)");
        }

        var end = DateTimeOffset.UtcNow;
        var events = Enumerable.Range(0, count).Select(i => Generate(i, count, end)).ToArray();
        long jsonBytes;
        double appendSeconds, sealSeconds;
        var log = AuditLog.Open(Options(background));
        await using (log.ConfigureAwait(false))
        {
            var next = -1;
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                for (var i = Interlocked.Increment(ref next); i < count; i = Interlocked.Increment(ref next))
                {
                    await log.AppendAsync(events[i], CancellationToken.None).ConfigureAwait(false);
                }
            }))).ConfigureAwait(false);
            appendSeconds = clock.Elapsed.TotalSeconds;
            jsonBytes = log.ReadAll().Sum(r => (long)r.Json.Length);

            clock.Restart();
            await log.SealAsync().ConfigureAwait(false);
            sealSeconds = clock.Elapsed.TotalSeconds;
        }

        var blockBytes = Directory.EnumerateFiles(Path.Combine(dir, "blocks")).Sum(f => new FileInfo(f).Length);
        var walBytes = Directory.EnumerateFiles(Path.Combine(dir, "wal")).Sum(f => new FileInfo(f).Length);
        var (cold, warm) = TimeNewest50(Options(backgroundWork: false), end);
        new Report("audit-seal")
            .Add("events", count).Add("writers", writers).Add("background", background).Add("quality", quality)
            .Add("chunk_bytes", chunkBytes).Add("append_seconds", appendSeconds).Add("appends_per_s", count / appendSeconds)
            .Add("json_bytes_per_event", (double)jsonBytes / count).Add("final_seal_seconds", sealSeconds)
            .Add("block_bytes_per_event", (double)blockBytes / count).Add("wal_bytes_left", walBytes)
            .Add("newest50_cold_ms", cold).Add("newest50_warm_ms", warm)
            .Print(string.Create(CultureInfo.InvariantCulture,
                $"audit-seal: {count:N0} events appended in {appendSeconds:F2} s = {Report.Rate(count / appendSeconds)}/s ({writers} writers, fsync, background sealing {(background ? "on" : "off")}); " +
                $"final seal {sealSeconds:F2} s; {(double)jsonBytes / count:F0} B of JSON an event -> {(double)blockBytes / count:F1} B in blocks " +
                $"(Brotli {quality}, {chunkBytes / 1024} KiB chunks); WAL left {Report.Mib(walBytes)}; newest 50 of the last hour {cold:F1} ms cold, {warm:F2} ms warm"));
        return 0;
    }

    /// <summary>The newest 50 events of the last hour: in a freshly opened log (blocks not yet read), then the median of 7 more.</summary>
    private static (double Cold, double Warm) TimeNewest50(AuditLogOptions options, DateTimeOffset end)
    {
        var clock = Stopwatch.StartNew();
        var log = AuditLog.Open(options);
        try
        {
            var n = log.Read(end.AddHours(-1), end).Take(50).Count();
            var cold = clock.Elapsed.TotalMilliseconds;
            var runs = new List<double>();
            for (var r = 0; r < 7; r++)
            {
                clock.Restart();
                n += log.Read(end.AddHours(-1), end).Take(50).Count();
                runs.Add(clock.Elapsed.TotalMilliseconds);
            }

            runs.Sort();
            return n == 400 ? (cold, runs[runs.Count / 2]) : throw new InvalidOperationException($"expected 50 events a read, got {n / 8}");
        }
        finally
        {
            log.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Event i of n, spread over the 24 hours before <paramref name="end"/> in order, deterministic.</summary>
    private static AuditEvent Generate(int i, int n, DateTimeOffset end)
    {
        var random = new Random(i);
        var op = Operations[random.Next(Operations.Length)].Split('|');
        var account = (111111111111L * (1 + random.Next(5))).ToString(CultureInfo.InvariantCulture);
        var user = "user" + random.Next(20).ToString(CultureInfo.InvariantCulture);
        var failed = random.Next(20) == 0;
        var parameters = op[1] switch
        {
            "PutMetricData" => $$"""{"namespace":"App/{{random.Next(8)}}"}""",
            "PutLogEvents" or "CreateLogStream" or "FilterLogEvents" => $$"""{"logGroupName":"/app/service-{{random.Next(30)}}","logStreamName":"i-0{{random.Next(1 << 24):x6}}"}""",
            "GetMetricData" => $$$"""{"startTime":"{{{end.AddHours(-3):O}}}","endTime":"{{{end:O}}}","metricDataQueries":[{"id":"m1","metricStat":{"metric":{"namespace":"App/1","metricName":"Latency"},"period":60,"stat":"p99"}}]}""",
            _ => "{}",
        };
        return new AuditEvent
        {
            EventId = RequestIds.Next(), // as the gateway makes them: a per-process prefix and a counter
            RequestId = RequestIds.Next(),
            EventTime = end.AddMilliseconds(-(86_400_000.0 * (n - i) / n) - random.Next(0, 250)),
            EventSource = op[0] + ".amazonaws.com",
            EventName = op[1],
            AwsRegion = random.Next(4) == 0 ? "eu-west-1" : "us-east-1",
            SourceIpAddress = $"10.0.{random.Next(4)}.{random.Next(1, 255)}",
            UserAgent = Agents[random.Next(Agents.Length)],
            ReadOnly = op[2] == "true",
            ErrorCode = failed ? "ThrottlingException" : null,
            ErrorMessage = failed ? "Rate exceeded" : null,
            HttpStatus = failed ? 400 : 200,
            Protocol = op[0] == "monitoring" ? "AwsQuery" : "AwsJson1_1",
            AccountId = account,
            UserName = user,
            PrincipalId = "AIDA" + user.ToUpperInvariant().PadRight(17, 'X'),
            Arn = $"arn:aws:iam::{account}:user/{user}",
            AccessKeyId = "AKIA" + user.ToUpperInvariant().PadRight(16, '0'),
            RequestParameters = System.Text.Encoding.UTF8.GetBytes(parameters),
            ResponseElements = op[1] == "StartQuery" && !failed ? """{"queryId":"12ab3456-12ab-123a-789e-1234567890ab"}"""u8.ToArray() : default,
        };
    }
}
