using System.Diagnostics;
using System.Globalization;
using Vigil.Metrics.Api;
using Vigil.Metrics.Engine;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Shapes.CloudWatch;
using Vigil.Storage.IO;

namespace Vigil.Bench;

/// <summary>
/// query-engine: the query set of <c>query</c> run in-process against a metric store (a copy of a server's
/// <c>metrics</c> directory), without HTTP or SigV4, timing each stage of a GetMetricData call: decoding the JSON
/// request, the handler (reading, bucketing, statistics, paging) and encoding the JSON response. Shows where the
/// time of the HTTP figures goes. Each case is warmed up first (--warmup calls), so the code measured is the JIT's
/// optimised tier, as in a server that has answered a few queries.
/// </summary>
internal static class EngineQuery
{
    public static async Task<int> RunAsync(BenchArgs args)
    {
        var dir = args.Get("data");
        var start = args.GetTime("start");
        var hours = args.GetDouble("hours", 24);
        var runs = args.GetInt("runs", 5);
        var warmup = args.GetInt("warmup", 30);
        var ns = args.Get("namespace", "Bench/EC2");
        var end = start.AddSeconds(Math.Round(hours * 3600));
        var store = MetricStore.Open(new MetricStoreOptions { Directory = dir, Sync = SyncMode.Fsync });
        await using (store.ConfigureAwait(false))
        {
            // Registered as the server does, for its side effect on encoding (GetMetricData's results on all cores);
            // the call itself goes to a handler of its own, below.
            var handlers = new OperationHandlers();
            MetricsApi.Register(handlers, store);
            var operation = CloudWatchModel.Service.Operations["GetMetricData"];
            var handler = new GetMetricDataHandler(new Vigil.Metrics.Reading.MetricReader(store));
            var context = new CallContext
            {
                RequestId = "bench",
                Identity = new CallerIdentity(EngineIngest.Account, "bench", "arn:aws:iam::123456789012:user/bench", "AIDABENCH", "AKIABENCH"),
                Region = EngineIngest.Region,
                Operation = operation,
                Protocol = WireProtocol.AwsJson1_0,
                ReceivedAt = DateTimeOffset.UtcNow,
            };
            var cases = new List<Dictionary<string, object>>();
            var only = args.GetInt("series", 0);
            foreach (var (series, period) in new[] { (1, 60), (1, 300), (100, 60), (100, 300) })
            {
                if (only != 0 && series != only)
                {
                    continue;
                }
                var body = QueryBench.Request(ns, series, period, start, end, 1_000_000);
                double decode = 0, handle = 0, encode = 0;
                var totals = new List<double>();
                long bytes = 0;
                int[] gcBefore = [];
                long allocatedBefore = 0;
                for (var run = 1 - warmup; run <= runs; run++)
                {
                    var t0 = Stopwatch.GetTimestamp();
                    var input = (GetMetricDataInput)AwsJsonCodec.V1_0.DecodeInput(operation, new WireRequest { Method = "POST", Path = "/", Header = _ => null, Body = body });
                    var t1 = Stopwatch.GetTimestamp();
                    var output = await handler.HandleAsync(context, input, CancellationToken.None).ConfigureAwait(false);
                    var t2 = Stopwatch.GetTimestamp();
                    using var response = new WireResponse();
                    AwsJsonCodec.V1_0.WriteOutput(operation, output, "bench", response);
                    var t3 = Stopwatch.GetTimestamp();
                    bytes = response.Length;
                    if (run == 0)
                    {
                        gcBefore = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
                        allocatedBefore = GC.GetTotalAllocatedBytes();
                    }
                    if (run > 0)
                    {
                        decode += Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds / runs;
                        handle += Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds / runs;
                        encode += Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds / runs;
                        totals.Add(Stopwatch.GetElapsedTime(t0, t3).TotalMilliseconds);
                    }
                }
                var median = totals.Order().ElementAt(totals.Count / 2);
                // Collections and allocation per call: garbage (and the pauses it brings) is part of a query's cost.
                var gcs = string.Join('/', Enumerable.Range(0, 3).Select(g => ((GC.CollectionCount(g) - gcBefore[g]) / (double)runs).ToString("F2", CultureInfo.InvariantCulture)));
                var allocated = (GC.GetTotalAllocatedBytes() - allocatedBefore) / runs;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {series} series, {period} s: median {median:F2} ms (min {totals.Min():F2}); mean decode {decode:F2} ms, handler {handle:F2} ms, encode {encode:F2} ms; response {bytes / 1024.0:F0} KiB; per call {allocated / 1024.0:F0} KiB allocated, gen0/1/2 collections {gcs}"));
                cases.Add(new Dictionary<string, object>(StringComparer.Ordinal)
                {
                    ["series"] = series,
                    ["period"] = period,
                    ["median_ms"] = median,
                    ["decode_ms"] = decode,
                    ["handler_ms"] = handle,
                    ["encode_ms"] = encode,
                    ["response_bytes"] = bytes,
                });
            }
            new Report("query-engine").Add("data", dir).Add("runs", runs).Add("cases", cases)
                .Print("query-engine: " + string.Join("; ", cases.Select(c => string.Create(CultureInfo.InvariantCulture,
                    $"{c["series"]}x{c["period"]} s {(double)c["median_ms"]:F1} ms"))));
        }
        return 0;
    }
}
