using System.Globalization;
using System.Text;
using Vigil.Metrics.Api;
using Vigil.Metrics.Api.FastPath;
using Vigil.Metrics.Engine;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.AwsJson;
using Vigil.Protocol.Errors;
using Vigil.Protocol.Shapes.CloudWatch;
using Vigil.Protocol.Tests.TestSupport;
using Vigil.Protocol.Validation;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>
/// The JSON fast path must be indistinguishable from the generic path: for random bodies, valid and broken, either it
/// declines (and the generic path answers), or it stores exactly what the generic decoder + validator + handler store,
/// and never accepts what the generic path rejects.
/// </summary>
public sealed class PutMetricDataFastPathTests
{
    private static readonly string[] Units = ["Percent", "Bytes", "Count", "Milliseconds", "None"];

    [Fact]
    public async Task Random_bodies_store_the_same_through_the_fast_and_the_generic_path()
    {
        var (valid, handledValid) = await CompareAsync(new Random(17), 400, Body, (path, body) => path.HandleAsync(Context("PutMetricData"), Encoding.UTF8.GetBytes(body), CancellationToken.None), Generic);
        valid.ShouldBeGreaterThan(50);
        // Valid bodies it may decline: ISO-string timestamps and escaped strings, which the generic path handles.
        handledValid.ShouldBeGreaterThan(valid / 2, "valid bodies should mostly take the fast path");
    }

    [Fact]
    public async Task Mutated_bodies_are_declined_or_stored_as_the_generic_path_stores_them()
    {
        // Whitespace anywhere between tokens (and some that JSON does not allow), bytes deleted, JSON's own
        // characters inserted, neighbours swapped: the scanner must never take what the reader refuses.
        var (valid, handledValid) = await CompareAsync(new Random(23), 1500, (rng, now) => JsonMutations.Mutate(rng, Body(rng, now)),
            (path, body) => path.HandleAsync(Context("PutMetricData"), Encoding.UTF8.GetBytes(body), CancellationToken.None), Generic);
        valid.ShouldBeGreaterThan(100);
        handledValid.ShouldBeGreaterThan(valid / 3);
    }

    /// <summary>
    /// Runs random bodies through a fast path and the generic path into two stores: a body the fast path takes must
    /// be one the generic path accepts; one it declines gets the generic path's answer in both. The stores must end
    /// up holding the same. Returns how many bodies were valid and how many of those the fast path took.
    /// </summary>
    internal static async Task<(int Valid, int HandledValid)> CompareAsync<TBody>(Random rng, int runs, Func<Random, DateTimeOffset, TBody> body,
        Func<PutMetricDataFastPath, TBody, ValueTask<Vigil.Protocol.Gateway.RawCallResult>> fastCall, Func<MetricStore, TBody, Task<AwsServiceException?>> generic)
    {
        var handledValid = 0;
        var valid = 0;
        await using var fast = new MetricApiHarness();
        await using var slow = new MetricApiHarness();
        var fastPath = new PutMetricDataFastPath(fast.Store);
        for (var run = 0; run < runs; run++)
        {
            var item = body(rng, slow.Clock.Now);
            var text = item is byte[] bytes ? Convert.ToHexString(bytes) : item!.ToString();
            var genericError = await generic(slow.Store, item);
            valid += genericError is null ? 1 : 0;
            var result = await fastCall(fastPath, item);
            if (result.Handled)
            {
                genericError.ShouldBeNull($"the fast path accepted what the generic path rejects: {text}");
                handledValid++;
            }
            else
            {
                (await generic(fast.Store, item))?.QueryCode.ShouldBe(genericError?.QueryCode, text);
            }
        }
        ShouldHoldTheSame(fast.Store, slow.Store);
        return (valid, handledValid);
    }

    [Fact]
    public async Task A_call_over_one_megabyte_as_sent_is_refused_by_both_paths_and_stores_nothing()
    {
        await using var api = new MetricApiHarness();
        var basis = Context("PutMetricData");
        var big = new Vigil.Protocol.Gateway.CallContext
        {
            RequestId = basis.RequestId,
            Identity = basis.Identity,
            Region = basis.Region,
            Operation = basis.Operation,
            Protocol = basis.Protocol,
            ReceivedAt = basis.ReceivedAt,
            RequestBytes = PutMetricDataHandler.MaxRequestBytes + 1,
        };
        var body = $$"""{"Namespace":"App","MetricData":[{"MetricName":"M","Value":1,"Timestamp":{{api.Clock.Now.ToUnixTimeSeconds()}}}]}""";
        var fast = await new PutMetricDataFastPath(api.Store).HandleAsync(big, Encoding.UTF8.GetBytes(body), CancellationToken.None);
        fast.Handled.ShouldBeFalse();
        var error = await Should.ThrowAsync<AwsServiceException>(async () => await new PutMetricDataHandler(api.Store).HandleAsync(big,
            new PutMetricDataInput { Namespace = "App", MetricData = [Datum("M", 1, api.Clock.Now)] }, CancellationToken.None));
        (error.QueryCode, error.Status).ShouldBe(("RequestEntityTooLarge", 413));
        api.Store.Catalog.Count.ShouldBe(0);
    }

    internal static void ShouldHoldTheSame(MetricStore a, MetricStore b)
    {
        a.Catalog.Count.ShouldBe(b.Catalog.Count);
        for (var id = 0; id < b.Catalog.Count; id++)
        {
            var key = b.Catalog.Get(id).Key;
            a.Catalog.TryGet(key, out var other).ShouldBeTrue(key.ToString());
            SampleBuffer sa = new(), sb = new();
            a.Read(other.Id, long.MinValue, long.MaxValue, sa);
            b.Read(id, long.MinValue, long.MaxValue, sb);
            sa.Timestamps.ToArray().ShouldBe(sb.Timestamps.ToArray(), key.ToString());
            sa.Values.ToArray().ShouldBe(sb.Values.ToArray(), key.ToString());
            sa.Counts.ToArray().ShouldBe(sb.Counts.ToArray(), key.ToString());
            sa.Sets.ShouldBe(sb.Sets, key.ToString());
        }
    }

    /// <summary>What the gateway does without a fast path; null on success.</summary>
    private static Task<AwsServiceException?> Generic(MetricStore store, string body) =>
        GenericAsync(store, op => AwsJsonCodec.V1_0.DecodeInput(op, new WireRequest { Method = "POST", Path = "/", Header = _ => null, Body = Encoding.UTF8.GetBytes(body) }));

    /// <summary>What the gateway does without a fast path (decode, validate, handle); null on success.</summary>
    internal static async Task<AwsServiceException?> GenericAsync(MetricStore store, Func<Vigil.Protocol.Shapes.Operation, object> decode)
    {
        var op = CloudWatchModel.Service.Operations["PutMetricData"];
        try
        {
            var input = decode(op);
            var violations = ShapeValidator.Validate(input, op.Input!);
            if (violations.Count > 0)
            {
                return new AwsServiceException("ValidationError", ShapeValidator.Describe(violations));
            }
            await new PutMetricDataHandler(store).HandleAsync(Context("PutMetricData"), (PutMetricDataInput)input, CancellationToken.None);
            return null;
        }
        catch (AwsServiceException e)
        {
            return e;
        }
    }

    internal static string Body(Random rng, DateTimeOffset now)
    {
        var sb = new StringBuilder();
        var ns = rng.Next(20) switch { 0 => "AWS/EC2", 1 => "", 2 => "Ns\\u0041", _ => "App" + rng.Next(3) };
        sb.Append("{\"Namespace\":\"").Append(ns).Append("\",\"MetricData\":[");
        var n = rng.Next(30) == 0 ? 1001 : rng.Next(1, 8);
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                sb.Append(',');
            }
            sb.Append('{');
            var fields = new List<string> { $"\"MetricName\":\"{(rng.Next(100) == 0 ? new string('m', 256) : "M" + rng.Next(4))}\"" };
            var dims = rng.Next(100) == 0 ? 31 : rng.Next(0, 3);
            if (dims > 0 || rng.Next(2) == 0)
            {
                var names = Enumerable.Range(0, dims).Select(d => rng.Next(60) == 0 ? "Dup" : "D" + d).ToList();
                fields.Add("\"Dimensions\":[" + string.Join(",", names.Select(d => $"{{\"Name\":\"{d}\",\"Value\":\"v{rng.Next(3)}\"}}")) + "]");
            }
            if (rng.Next(3) > 0)
            {
                fields.Add($"\"Unit\":\"{Units[rng.Next(Units.Length)]}\"");
            }
            var ts = now.AddMinutes(-rng.Next(0, 600)).ToUnixTimeSeconds() + rng.Next(4) switch { 0 => 0.5, 1 => 0.9996, _ => 0 }; // .9996 rounds up to the millisecond
            fields.Add(rng.Next(80) switch
            {
                0 => $"\"Timestamp\":{now.AddDays(-15).ToUnixTimeSeconds()}",
                1 => $"\"Timestamp\":{now.AddHours(3).ToUnixTimeSeconds()}",
                2 => $"\"Timestamp\":\"{now.AddMinutes(-5):yyyy-MM-ddTHH:mm:ssZ}\"",
                3 => "\"StorageResolution\":1",
                4 => "\"StorageResolution\":5",
                _ => "\"Timestamp\":" + ts.ToString(CultureInfo.InvariantCulture),
            });
            var value = Math.Round((rng.NextDouble() - 0.3) * 1000, rng.Next(0, 4));
            fields.Add(rng.Next(50) switch
            {
                0 => "\"Values\":[1,2,3],\"Counts\":[1,2]",
                1 => $"\"Values\":[{value},2.5],\"Counts\":[3,0]",
                2 => "\"Values\":[1,2]",
                3 => "\"StatisticValues\":{\"SampleCount\":3,\"Sum\":6,\"Minimum\":1,\"Maximum\":3}",
                4 => "\"StatisticValues\":{\"SampleCount\":3,\"Sum\":6,\"Minimum\":4,\"Maximum\":3}",
                5 => $"\"Value\":{value},\"Values\":[1]",
                6 => "\"Value\":1e200",
                7 => "\"Unknown\":1,\"Value\":1",
                _ => $"\"Value\":{value.ToString(CultureInfo.InvariantCulture)}",
            });
            if (rng.Next(30) == 0)
            {
                fields.Add(fields[rng.Next(fields.Count)]); // a repeated member: the generic decoder keeps the last
            }
            if (rng.Next(20) == 0)
            {
                // Repeated with another value.
                fields.Add(fields.Any(f => f.StartsWith("\"Values\"", StringComparison.Ordinal)) ? "\"Values\":[4]" : "\"Dimensions\":[]");
            }
            sb.AppendJoin(',', fields.OrderBy(_ => rng.Next()));
            sb.Append('}');
        }
        sb.Append(']');
        if (rng.Next(25) == 0)
        {
            // MetricData twice: the generic decoder keeps the last.
            sb.Append(",\"MetricData\":[{\"MetricName\":\"Again\",\"Value\":1}]");
        }
        sb.Append('}');
        return sb.ToString();
    }
}
