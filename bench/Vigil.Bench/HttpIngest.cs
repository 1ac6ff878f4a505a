using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Vigil.Bench;

/// <summary>
/// ingest-http: every body of the input POSTed as a SigV4-signed PutMetricData over N keep-alive connections, in
/// JSON 1.0 or awsQuery (the same datums form-encoded). Bodies are encoded before the clock starts (all of them
/// when they fit in --preload-max-gb, else a reader thread keeps a bounded queue ahead of the senders); only the
/// signature is made per request. Reports datapoints/s, requests/s, p50/p99 latency and non-2xx responses.
/// </summary>
internal static class HttpIngest
{
    private readonly record struct Body(byte[] Data, int Datums);

    public static async Task<int> RunAsync(BenchArgs args)
    {
        var endpoint = new Uri(args.Get("endpoint"));
        var input = args.Get("input");
        var protocol = args.Get("protocol", "json");
        if (protocol is not ("json" or "query" or "cbor" or "logs"))
        {
            throw new ArgumentException($"--protocol must be json, query, cbor or logs, got '{protocol}'");
        }
        var conns = args.GetInt("conns", 4);
        var preloadMax = (long)(args.GetDouble("preload-max-gb", 8) * (1L << 30));
        using var client = protocol == "logs"
            ? SignedClient.ForLogs(endpoint, conns, args.Get("access-key"), args.Get("secret"), args.Get("region", "us-east-1"))
            : new SignedClient(endpoint, conns, args.Get("access-key"), args.Get("secret"), args.Get("region", "us-east-1"));
        var target = protocol switch { "json" or "cbor" => "PutMetricData", "logs" => "PutLogEvents", _ => null };
        if (protocol == "logs")
        {
            await Logs.LogTargets.CreateAsync(client, input).ConfigureAwait(false);
        }

        // Query bodies are ~1.8x their JSON; the estimate only decides between preloading and streaming.
        var file = new FileInfo(input);
        var inputBytes = (file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file).Length; // a link's own length is its path's
        var preload = inputBytes * (protocol == "json" ? 1.0 : 1.9) <= preloadMax;
        var loadClock = Stopwatch.StartNew();
        var queue = Channel.CreateBounded<Body>(new BoundedChannelOptions(preload ? int.MaxValue : 64 * conns) { SingleWriter = true });
        Task producer;
        if (preload)
        {
            Produce(input, protocol, queue.Writer, preloaded: true);
            producer = Task.CompletedTask;
        }
        else
        {
            producer = Task.Factory.StartNew(() => Produce(input, protocol, queue.Writer, preloaded: false), TaskCreationOptions.LongRunning);
        }
        var loadSeconds = loadClock.Elapsed.TotalSeconds;

        var cpuBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        var workers = new Task<WorkerResult>[conns];
        for (var i = 0; i < conns; i++)
        {
            workers[i] = Task.Run(() => SendAllAsync(client, target, protocol == "cbor", queue.Reader));
        }
        var results = await Task.WhenAll(workers).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;
        await producer.ConfigureAwait(false);
        var clientCpu = (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds;

        var latencies = results.SelectMany(r => r.Latencies).ToArray();
        Array.Sort(latencies);
        var requests = latencies.Length;
        var datums = results.Sum(r => r.Datums);
        var bytes = results.Sum(r => r.Bytes);
        var failures = results.Sum(r => r.Failures);
        var firstError = results.Select(r => r.FirstError).FirstOrDefault(e => e is not null) ?? "";
        var p50 = Report.Percentile(latencies, 50);
        var p99 = Report.Percentile(latencies, 99);
        new Report("ingest-http")
            .Add("endpoint", endpoint.ToString()).Add("protocol", protocol).Add("conns", conns).Add("input", input)
            .Add("preloaded", preload).Add("load_seconds", loadSeconds)
            .Add("requests", requests).Add("datapoints", datums).Add("request_bytes", bytes).Add("seconds", seconds)
            .Add("datapoints_per_s", datums / seconds).Add("requests_per_s", requests / seconds).Add("mb_per_s", bytes / seconds / 1e6)
            .Add("p50_ms", p50).Add("p99_ms", p99).Add("non_2xx", failures).Add("client_cpu_s", clientCpu).Add("first_error", firstError)
            .Print(string.Create(CultureInfo.InvariantCulture,
                $"ingest-http ({protocol}, {conns} conns): {datums:N0} datapoints in {seconds:F2} s = {Report.Rate(datums / seconds)} datapoints/s, " +
                $"{requests / seconds:F0} requests/s, {bytes / seconds / 1e6:F0} MB/s; latency p50 {p50:F1} ms, p99 {p99:F1} ms; non-2xx {failures}; this client used {clientCpu:F1} s of CPU")
                + (failures > 0 ? "; first error: " + firstError : ""));
        return failures > 0 ? 1 : 0;
    }

    private static void Produce(string input, string protocol, ChannelWriter<Body> queue, bool preloaded)
    {
        try
        {
            using var file = new BodyFile(input);
            while (file.TryRead(out var line))
            {
                var body = protocol switch
                {
                    "json" => new Body(BodyFile.RewriteNamespace(line), Count(line, "\"MetricName\""u8)),
                    "logs" => new Body(line.ToArray(), Count(line, "\"timestamp\""u8)),
                    "cbor" => CborEncode(BodyFile.RewriteNamespace(line)),
                    _ => QueryEncode(line),
                };
                while (!queue.TryWrite(body))
                {
                    if (preloaded || !queue.WaitToWriteAsync().AsTask().GetAwaiter().GetResult())
                    {
                        throw new InvalidOperationException("The body queue refused a body.");
                    }
                }
            }
            queue.Complete();
        }
        catch (Exception e)
        {
            queue.TryComplete(e);
            throw;
        }
    }

    private sealed class WorkerResult
    {
        public List<long> Latencies { get; } = [];
        public long Datums { get; set; }
        public long Bytes { get; set; }
        public long Failures { get; set; }
        public string? FirstError { get; set; }
    }

    private static async Task<WorkerResult> SendAllAsync(SignedClient client, string? target, bool cbor, ChannelReader<Body> queue)
    {
        var result = new WorkerResult();
        await foreach (var body in queue.ReadAllAsync().ConfigureAwait(false))
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                var (status, response) = cbor ? await client.SendCborAsync(body.Data, target!).ConfigureAwait(false)
                    : await client.SendAsync(body.Data, target).ConfigureAwait(false);
                if ((int)status is < 200 or > 299)
                {
                    result.Failures++;
                    result.FirstError ??= $"HTTP {(int)status}: {Encoding.UTF8.GetString(response.AsSpan(0, Math.Min(response.Length, 600)))}";
                }
                else
                {
                    result.Datums += body.Datums;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                result.Failures++;
                result.FirstError ??= $"request failed: {e.Message}";
            }
            result.Latencies.Add(Stopwatch.GetTimestamp() - started);
            result.Bytes += body.Data.Length;
        }
        return result;
    }

    private static int Count(ReadOnlySpan<byte> body, ReadOnlySpan<byte> key)
    {
        var count = 0;
        for (var at = body.IndexOf(key); at >= 0; at = body.IndexOf(key))
        {
            count++;
            body = body[(at + key.Length)..];
        }
        return count;
    }

    /// <summary>The same PutMetricData in RPCv2 CBOR, through the server's own decoder and encoder for the shape.</summary>
    private static Body CborEncode(byte[] json)
    {
        var op = Vigil.Protocol.Shapes.CloudWatch.CloudWatchModel.Service.Operations["PutMetricData"];
        var input = (Vigil.Protocol.Shapes.CloudWatch.PutMetricDataInput)Vigil.Protocol.Codecs.AwsJson.AwsJsonCodec.V1_0.DecodeInput(op,
            new Vigil.Protocol.Codecs.WireRequest { Method = "POST", Path = "/", Header = _ => null, Body = json });
        var output = new System.Buffers.ArrayBufferWriter<byte>(json.Length);
        Vigil.Protocol.Codecs.RpcV2Cbor.CborShapeWriter.Write(new Vigil.Protocol.Codecs.RpcV2Cbor.CborWriter(output), input, op.Input!);
        return new Body(output.WrittenSpan.ToArray(), input.MetricData!.Count);
    }

    /// <summary>The same PutMetricData as an awsQuery form (member lists numbered from 1, ISO 8601 timestamps).</summary>
    private static Body QueryEncode(ReadOnlySpan<byte> json)
    {
        using var doc = JsonDocument.Parse(json.ToArray());
        var root = doc.RootElement;
        var form = new StringBuilder(json.Length * 2);
        form.Append("Action=PutMetricData&Version=2010-08-01&Namespace=")
            .Append(Uri.EscapeDataString(BodyFile.MapNamespace(root.GetProperty("Namespace").GetString()!)));
        var n = 0;
        foreach (var datum in root.GetProperty("MetricData").EnumerateArray())
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"&MetricData.member.{++n}.");
            foreach (var field in datum.EnumerateObject())
            {
                switch (field.Name)
                {
                    case "Dimensions":
                        var d = 0;
                        foreach (var dim in field.Value.EnumerateArray())
                        {
                            d++;
                            form.Append(prefix).Append(CultureInfo.InvariantCulture, $"Dimensions.member.{d}.Name=").Append(Uri.EscapeDataString(dim.GetProperty("Name").GetString()!));
                            form.Append(prefix).Append(CultureInfo.InvariantCulture, $"Dimensions.member.{d}.Value=").Append(Uri.EscapeDataString(dim.GetProperty("Value").GetString()!));
                        }
                        break;
                    case "Timestamp":
                        var ts = field.Value.ValueKind == JsonValueKind.String
                            ? DateTimeOffset.Parse(field.Value.GetString()!, CultureInfo.InvariantCulture)
                            : DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(field.Value.GetDouble() * 1000));
                        form.Append(prefix).Append("Timestamp=").Append(Uri.EscapeDataString(ts.UtcDateTime.ToString(
                            ts.Millisecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
                        break;
                    case "Value" or "StorageResolution":
                        // The number's own text, as the generator wrote it (no float round trip).
                        form.Append(prefix).Append(field.Name).Append('=').Append(field.Value.GetRawText());
                        break;
                    case "MetricName" or "Unit":
                        form.Append(prefix).Append(field.Name).Append('=').Append(Uri.EscapeDataString(field.Value.GetString()!));
                        break;
                    default:
                        throw new NotSupportedException($"The awsQuery encoder does not handle the datum field {field.Name} (gen.py does not write it).");
                }
            }
        }
        return new Body(Encoding.UTF8.GetBytes(form.ToString()), n);
    }
}
