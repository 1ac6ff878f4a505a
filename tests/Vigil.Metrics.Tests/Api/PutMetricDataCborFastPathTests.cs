using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Vigil.Metrics.Api.FastPath;
using Vigil.Protocol.Codecs;
using Vigil.Protocol.Codecs.RpcV2Cbor;
using Vigil.Protocol.Errors;
using static Vigil.Metrics.Tests.Api.MetricApiHarness;

namespace Vigil.Metrics.Tests.Api;

/// <summary>
/// The RPCv2 CBOR fast path must be indistinguishable from the generic path: the random JSON bodies of the JSON
/// test, encoded as CBOR with every choice a peer may make (integers or float16/32/64 for numbers, timestamps with
/// or without tag 1, definite or indefinite containers and strings) plus nulls, unknown members and control
/// characters, either are declined or store exactly what the generic decoder, validator and handler store.
/// </summary>
public sealed class PutMetricDataCborFastPathTests
{
    [Fact]
    public async Task Random_cbor_bodies_store_the_same_through_the_fast_and_the_generic_path()
    {
        var (valid, handledValid) = await PutMetricDataFastPathTests.CompareAsync(new Random(31), 500,
            (rng, now) => Cbor(rng, PutMetricDataFastPathTests.Body(rng, now)),
            (path, body) => path.HandleCborAsync(Context("PutMetricData"), body, CancellationToken.None), Generic);
        valid.ShouldBeGreaterThan(50);
        handledValid.ShouldBeGreaterThan(valid / 2, "valid bodies should mostly take the fast path");
    }

    [Fact]
    public async Task A_body_as_the_sdks_encode_it_takes_the_fast_path()
    {
        await using var api = new MetricApiHarness();
        var at = api.Clock.Now.AddMinutes(-2).ToUnixTimeSeconds();
        var json = $$"""{"Namespace":"App/web","MetricData":[{"MetricName":"Latency","Dimensions":[{"Name":"Host","Value":"h1"}],"Timestamp":{{at}},"Unit":"Milliseconds","Values":[1.5,2],"Counts":[2,1]}]}""";
        var body = new Encoder(new Random(1), plain: true).Encode(JsonDocument.Parse(json).RootElement);
        var result = await new PutMetricDataFastPath(api.Store).HandleCborAsync(Context("PutMetricData"), body, CancellationToken.None);
        result.Handled.ShouldBeTrue();
        var series = api.Store.Catalog.Get(0);
        series.Key.Metric.Namespace.ShouldBe("App/web");
        var samples = new Vigil.Metrics.Engine.SampleBuffer();
        api.Store.Read(series.Id, long.MinValue, long.MaxValue, samples);
        samples.Timestamps.ToArray().ShouldBe([at, at]);
        samples.Values.ToArray().ShouldBe([1.5, 2]);
        samples.Counts.ToArray().ShouldBe([2, 1]);
    }

    private static Task<AwsServiceException?> Generic(Vigil.Metrics.Engine.MetricStore store, byte[] body) =>
        PutMetricDataFastPathTests.GenericAsync(store, op => RpcV2CborCodec.Instance.DecodeInput(op,
            new WireRequest { Method = "POST", Path = "/service/GraniteServiceVersion20100801/operation/PutMetricData", Header = _ => null, Body = body }));

    private static byte[] Cbor(Random rng, string json)
    {
        try
        {
            return new Encoder(rng, plain: false).Encode(JsonDocument.Parse(json).RootElement);
        }
        catch (JsonException)
        {
            return [0xa1, 0x61, 0x78]; // (the JSON generator writes only valid JSON; a truncated map if it ever did not)
        }
    }

    /// <summary>JSON to CBOR with random but valid encoding choices, and (unless plain) a few invalid or odd items.</summary>
    private sealed class Encoder(Random rng, bool plain)
    {
        private readonly List<byte> _out = [];

        public byte[] Encode(JsonElement root)
        {
            Write(root, null);
            return [.. _out];
        }

        private bool Chance(int n) => !plain && rng.Next(n) == 0;

        private void Write(JsonElement e, string? member)
        {
            if (Chance(300))
            {
                _out.Add(0xf6); // null: absent for the generic decoder
                return;
            }
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var props = e.EnumerateObject().ToList();
                    var extra = Chance(150);
                    var indefinite = Chance(10);
                    Header(5, (ulong)(props.Count + (extra ? 1 : 0)), indefinite);
                    foreach (var p in props)
                    {
                        Text(p.Name);
                        Write(p.Value, p.Name);
                    }
                    if (extra)
                    {
                        Text("Extra");
                        _out.Add(0x01);
                    }
                    if (indefinite)
                    {
                        _out.Add(0xff);
                    }
                    break;
                case JsonValueKind.Array:
                    var items = e.EnumerateArray().ToList();
                    indefinite = Chance(10);
                    Header(4, (ulong)items.Count, indefinite);
                    foreach (var item in items)
                    {
                        Write(item, null);
                    }
                    if (indefinite)
                    {
                        _out.Add(0xff);
                    }
                    break;
                case JsonValueKind.String:
                    var s = e.GetString()!;
                    Text(Chance(100) ? s + "\t" : s);
                    break;
                case JsonValueKind.Number:
                    if (member == "Timestamp" && (plain || rng.Next(3) > 0))
                    {
                        Header(6, 1, false); // tag 1: epoch seconds
                    }
                    Number(e.GetDouble());
                    break;
                case JsonValueKind.True:
                    _out.Add(0xf5);
                    break;
                case JsonValueKind.False:
                    _out.Add(0xf4);
                    break;
                default:
                    _out.Add(0xf6);
                    break;
            }
        }

        private void Number(double v)
        {
            var choice = plain ? 0 : rng.Next(4);
            if (choice == 0 && v == Math.Floor(v) && Math.Abs(v) < 1e18)
            {
                var n = (long)v;
                Header(n < 0 ? 1 : 0, n < 0 ? (ulong)(-1 - n) : (ulong)n, false);
            }
            else if (choice == 1 && (double)(Half)v == v)
            {
                _out.Add(0xf9);
                Span<byte> b = stackalloc byte[2];
                BinaryPrimitives.WriteHalfBigEndian(b, (Half)v);
                _out.AddRange(b.ToArray());
            }
            else if (choice == 2 && (double)(float)v == v)
            {
                _out.Add(0xfa);
                Span<byte> b = stackalloc byte[4];
                BinaryPrimitives.WriteSingleBigEndian(b, (float)v);
                _out.AddRange(b.ToArray());
            }
            else
            {
                _out.Add(0xfb);
                Span<byte> b = stackalloc byte[8];
                BinaryPrimitives.WriteDoubleBigEndian(b, v);
                _out.AddRange(b.ToArray());
            }
        }

        private void Text(string s)
        {
            var bytes = Encoding.UTF8.GetBytes(s);
            if (Chance(300) && bytes.Length > 1)
            {
                // An indefinite-length string in two chunks.
                _out.Add(0x7f);
                Chunk(bytes[..1]);
                Chunk(bytes[1..]);
                _out.Add(0xff);
                return;
            }
            Chunk(bytes);
        }

        private void Chunk(byte[] bytes)
        {
            Header(3, (ulong)bytes.Length, false);
            _out.AddRange(bytes);
        }

        private void Header(int major, ulong argument, bool indefinite)
        {
            var initial = (byte)(major << 5);
            if (indefinite)
            {
                _out.Add((byte)(initial | 31));
            }
            else if (argument < 24)
            {
                _out.Add((byte)(initial | (byte)argument));
            }
            else if (argument <= byte.MaxValue)
            {
                _out.AddRange([(byte)(initial | 24), (byte)argument]);
            }
            else if (argument <= ushort.MaxValue)
            {
                _out.AddRange([(byte)(initial | 25), (byte)(argument >> 8), (byte)argument]);
            }
            else if (argument <= uint.MaxValue)
            {
                _out.AddRange([(byte)(initial | 26), (byte)(argument >> 24), (byte)(argument >> 16), (byte)(argument >> 8), (byte)argument]);
            }
            else
            {
                _out.Add((byte)(initial | 27));
                for (var shift = 56; shift >= 0; shift -= 8)
                {
                    _out.Add((byte)(argument >> shift));
                }
            }
        }
    }
}
