using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Codecs.AwsQuery;
using Vigil.Protocol.Gateway;
using Vigil.Protocol.Shapes;
using Vigil.Protocol.Shapes.CloudWatch;
using Vigil.Protocol.Shapes.Logs;
using Vigil.Protocol.Tests.TestSupport;

namespace Vigil.Protocol.Tests.Codecs;

/// <summary>
/// Every request the real clients sent (awscli 2.9 and 1.45, boto3 1.26 and 1.43, JS SDK v3, forced CBOR, X-Ray
/// SDKs) is routed to its operation and decoded; the decoded record, written back as JSON, equals what the client
/// sent, value for value.
/// </summary>
public sealed class CaptureDecodingTests
{
    private static readonly ProtocolDetector Detector = new(ServiceCatalog.All);

    private static readonly List<CapturedRequest> All = [.. CapturedRequest.LoadAll()];

    [Fact]
    public void Captures_cover_every_protocol()
    {
        var protocols = All.Select(c => Detector.Detect(c.ToWire()).Protocol).Distinct().ToHashSet();
        protocols.ShouldBe(
            [WireProtocol.AwsQuery, WireProtocol.AwsJson1_0, WireProtocol.AwsJson1_1, WireProtocol.RestJson1, WireProtocol.RpcV2Cbor],
            ignoreOrder: true);
        All.Count.ShouldBeGreaterThan(150);
    }

    [Theory]
    [MemberData(nameof(CapturedRequest.Http), MemberType = typeof(CapturedRequest))]
    public void Captured_request_decodes_to_what_the_client_sent(string file, int line)
    {
        var capture = CapturedRequest.Load(file, line);
        var wire = capture.ToWire();
        var route = Detector.Detect(wire);
        route.Error.ShouldBeNull(capture.ToString());
        var op = route.Operation!;
        var input = route.QueryParameters is not null
            ? AwsQueryCodec.DecodeInput(op, route.QueryParameters)
            : route.Codec.DecodeInput(op, new WireRequest { Method = wire.Method, Path = wire.Path, Query = wire.Query, Header = wire.Header, PathLabels = route.PathLabels, Body = wire.Body });

        var sent = Expected(capture);
        if (sent is null || op.Input is null)
        {
            return;
        }
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            JsonShapeWriter.Write(writer, input, op.Input);
        }
        var decoded = JsonNode.Parse(buffer.WrittenSpan)!;
        var difference = JsonDifference(sent, decoded, "$");
        difference.ShouldBeNull($"{capture}: {decoded.ToJsonString()}");
    }

    /// <summary>What the client meant, as JSON: the JSON body, the CBOR body with tags unwrapped, or the form as a tree.</summary>
    private static JsonNode? Expected(CapturedRequest c)
    {
        if (c.BodyJson is { } json)
        {
            return JsonNode.Parse(json);
        }
        if (c.CborAsJson is { } cbor)
        {
            return Untag(JsonNode.Parse(cbor));
        }
        return null; // form bodies are checked by the spot tests below and the query round trip
    }

    private static JsonNode? Untag(JsonNode? node) => node switch
    {
        JsonObject o when o.ContainsKey("$tag") => Untag(o["value"]?.DeepClone()),
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, Untag(p.Value?.DeepClone())))),
        JsonArray a => new JsonArray([.. a.Select(x => Untag(x?.DeepClone()))]),
        _ => node?.DeepClone(),
    };

    private static string? JsonDifference(JsonNode? sent, JsonNode? decoded, string path)
    {
        switch (sent)
        {
            case null:
                return decoded is null ? null : $"{path}: sent null, decoded {decoded.ToJsonString()}";
            case JsonObject so:
                {
                    if (decoded is not JsonObject d)
                    {
                        return $"{path}: object vs {decoded?.ToJsonString()}";
                    }
                    foreach (var (k, v) in so)
                    {
                        if (v is null)
                        {
                            continue;
                        }
                        if (!d.ContainsKey(k))
                        {
                            return $"{path}.{k}: sent but not decoded";
                        }
                        if (JsonDifference(v, d[k], path + "." + k) is { } diff)
                        {
                            return diff;
                        }
                    }
                    return null;
                }
            case JsonArray sa:
                {
                    if (decoded is not JsonArray da || da.Count != sa.Count)
                    {
                        return $"{path}: array of {sa.Count} vs {decoded?.ToJsonString()}";
                    }
                    for (var i = 0; i < sa.Count; i++)
                    {
                        if (JsonDifference(sa[i], da[i], $"{path}[{i}]") is { } diff)
                        {
                            return diff;
                        }
                    }
                    return null;
                }
            default:
                {
                    var s = sent.AsValue();
                    if (s.TryGetValue<double>(out var sd))
                    {
                        return decoded is JsonValue dv && dv.TryGetValue<double>(out var dd) && (sd == dd || (double.IsNaN(sd) && double.IsNaN(dd)))
                            ? null : $"{path}: {sd} vs {decoded?.ToJsonString()}";
                    }
                    return sent.ToJsonString() == decoded?.ToJsonString() ? null : $"{path}: {sent.ToJsonString()} vs {decoded?.ToJsonString()}";
                }
        }
    }

    [Fact]
    public void Query_PutMetricData_from_boto3_1_26_decodes_every_value()
    {
        var capture = All.First(c => c.File.Contains("boto3-1.26", StringComparison.Ordinal) && c.ToWire().Body.Length > 0
            && System.Text.Encoding.UTF8.GetString(c.DecompressedBody).StartsWith("Action=PutMetricData&", StringComparison.Ordinal));
        var request = capture.ToWire();
        var route = Detector.Detect(request);
        route.Protocol.ShouldBe(WireProtocol.AwsQuery);
        // A body-only form is routed without its tree (QueryParameters null); the codec parses it, as the gateway does.
        var input = (PutMetricDataInput)route.Codec.DecodeInput(route.Operation!, request);
        input.Namespace.ShouldBe("MyApp/Perf");
        input.MetricData!.Count.ShouldBe(3);
        var latency = input.MetricData[0];
        latency.MetricName.ShouldBe("Latency");
        latency.Dimensions!.Select(d => (d.Name, d.Value)).ShouldBe([("Service", "api"), ("Stage", "prod")]);
        latency.Timestamp.ShouldBe(new DateTimeOffset(2024, 5, 1, 12, 0, 0, 500, TimeSpan.Zero));
        latency.StatisticValues!.Sum.ShouldBe(100.5);
        latency.StorageResolution.ShouldBe(1);
        input.MetricData[1].Values.ShouldBe([1.0, 2.5, 3.0]);
        input.MetricData[1].Counts.ShouldBe([10.0, 1.0, 5.0]);
        input.MetricData[2].Value.ShouldBe(42.0);
    }

    [Fact]
    public void Cbor_PutMetricData_timestamps_and_integer_doubles_decode()
    {
        foreach (var capture in All.Where(c => c.Path.EndsWith("/operation/PutMetricData", StringComparison.Ordinal) && c.DecompressedBody.Length < 4096))
        {
            var route = Detector.Detect(capture.ToWire());
            route.Protocol.ShouldBe(WireProtocol.RpcV2Cbor);
            var input = (PutMetricDataInput)route.Codec.DecodeInput(route.Operation!, capture.ToWire());
            var latency = input.MetricData![0];
            latency.Timestamp!.Value.ToUnixTimeSeconds().ShouldBe(1714564800);
            latency.StatisticValues!.SampleCount.ShouldBe(4.0);
            latency.StatisticValues.Minimum.ShouldBe(10.0);
            input.MetricData[2].Value.ShouldBe(42.0);
        }
    }

    [Fact]
    public void Json_CreateLogGroup_from_js_decodes_tags()
    {
        var capture = All.First(c => c.File.Contains("js-sdk", StringComparison.Ordinal) && c.Header("x-amz-target") == "Logs_20140328.CreateLogGroup");
        var route = Detector.Detect(capture.ToWire());
        route.Protocol.ShouldBe(WireProtocol.AwsJson1_1);
        var input = (CreateLogGroupRequest)route.Codec.DecodeInput(route.Operation!, capture.ToWire());
        input.LogGroupName.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public void Gzipped_requests_are_detected_and_decoded_after_gunzip()
    {
        var gzipped = All.Where(c => c.Gzipped).ToList();
        gzipped.ShouldNotBeEmpty();
        foreach (var c in gzipped)
        {
            var decompressed = RequestBody.Decode(c.Request.Body, "gzip", 64 << 20).ToArray();
            decompressed.ShouldBe(c.DecompressedBody);
        }
    }
}
